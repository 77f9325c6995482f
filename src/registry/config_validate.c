/* Validating a configuration document against a plugin's schema: every failing field is
 * collected with its path, defaults are applied, secrets are moved out of the tree. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floe/config.h>
#include <floe/error.h>
#include <floe/secret.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "registry/config_internal.h"

struct secret_item {
    char *path;
    floe_secret *secret;
};

struct floe_config {
    json_t *tree; /* redacted */
    struct secret_item *secrets;
    size_t nsecrets, capsecrets;
};

struct error_item {
    char *path;
    char *reason;
};

struct floe_config_errors {
    struct error_item *items;
    size_t n, cap;
};

struct vctx {
    floe_config *cfg;
    floe_config_errors *errs;
    floe_config_unknown unknown;
    int fatal; /* FLOE_ENOMEM or FLOE_EINVALID (schema problem): stop */
};

static void set_fatal(struct vctx *c, int code)
{
    if (!c->fatal)
        c->fatal = code;
}

static void add_error(struct vctx *c, const char *path, const char *fmt, ...) FLOE_PRINTF(3, 4);

static void add_error(struct vctx *c, const char *path, const char *fmt, ...)
{
    if (c->fatal)
        return;
    floe_config_errors *e = c->errs;
    if (e->n == e->cap) {
        size_t ncap = e->cap ? e->cap * 2 : 8, bytes;
        if (floe_mul_size(ncap, sizeof *e->items, &bytes) != 0) {
            set_fatal(c, FLOE_ENOMEM);
            return;
        }
        struct error_item *p = floe_realloc(e->items, bytes);
        if (!p) {
            set_fatal(c, FLOE_ENOMEM);
            return;
        }
        e->items = p;
        e->cap = ncap;
    }
    floe_buf b = FLOE_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = floe_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *path_copy = floe_strdup(path);
    if (rc != 0 || !path_copy || !floe_buf_cstr(&b)) {
        floe_buf_free(&b);
        floe_free(path_copy);
        set_fatal(c, FLOE_ENOMEM);
        return;
    }
    e->items[e->n].path = path_copy;
    e->items[e->n].reason = (char *)floe_buf_detach(&b, NULL);
    e->n++;
}

static char *join_path(const char *prefix, const char *name)
{
    floe_buf b = FLOE_BUF_INIT;
    int rc = (prefix && prefix[0]) ? floe_buf_printf(&b, "%s.%s", prefix, name)
                                   : floe_buf_printf(&b, "%s", name);
    if (rc != 0 || !floe_buf_cstr(&b)) {
        floe_buf_free(&b);
        return NULL;
    }
    return (char *)floe_buf_detach(&b, NULL);
}

static char *index_path(const char *prefix, size_t i)
{
    floe_buf b = FLOE_BUF_INIT;
    if (floe_buf_printf(&b, "%s[%zu]", prefix ? prefix : "", i) != 0 || !floe_buf_cstr(&b)) {
        floe_buf_free(&b);
        return NULL;
    }
    return (char *)floe_buf_detach(&b, NULL);
}

static int store_secret(struct vctx *c, const char *path, const char *value)
{
    floe_config *cfg = c->cfg;
    if (!cfg)
        return 0;
    if (cfg->nsecrets == cfg->capsecrets) {
        size_t ncap = cfg->capsecrets ? cfg->capsecrets * 2 : 4, bytes;
        if (floe_mul_size(ncap, sizeof *cfg->secrets, &bytes) != 0)
            return FLOE_ENOMEM;
        struct secret_item *p = floe_realloc(cfg->secrets, bytes);
        if (!p)
            return FLOE_ENOMEM;
        cfg->secrets = p;
        cfg->capsecrets = ncap;
    }
    struct secret_item *s = &cfg->secrets[cfg->nsecrets];
    s->path = floe_strdup(path);
    s->secret = NULL;
    if (!s->path || floe_secret_new(&s->secret, value) != 0) {
        floe_free(s->path);
        return FLOE_ENOMEM;
    }
    cfg->nsecrets++;
    return 0;
}

static const char *type_word(floe_config_type t)
{
    switch (t) {
    case FLOE_CONFIG_STRING:
        return "a string";
    case FLOE_CONFIG_INT:
        return "an integer";
    case FLOE_CONFIG_NUMBER:
        return "a number";
    case FLOE_CONFIG_BOOL:
        return "a boolean (true or false)";
    case FLOE_CONFIG_ENUM:
        return "a string";
    case FLOE_CONFIG_OBJECT:
        return "an object";
    case FLOE_CONFIG_ARRAY:
        return "an array";
    }
    return "a value";
}

static const char *json_word(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static json_t *validate_object(struct vctx *c, const floe_config_field *fields, const json_t *in,
                               const char *path);

static int check_bounds(struct vctx *c, const floe_config_field *f, double v, const char *path,
                        const char *what)
{
    if ((f->flags & FLOE_CONFIG_HAS_MIN) && v < f->minimum) {
        add_error(c, path, "%s must be at least %g", what, f->minimum);
        return -1;
    }
    if ((f->flags & FLOE_CONFIG_HAS_MAX) && v > f->maximum) {
        add_error(c, path, "%s must be at most %g", what, f->maximum);
        return -1;
    }
    return 0;
}

/* Returns a new reference to the validated value, or NULL when it failed (errors recorded). */
static json_t *validate_value(struct vctx *c, const floe_config_field *f, const json_t *v,
                              const char *path)
{
    int secret = (f->flags & FLOE_CONFIG_SECRET) != 0;
    switch (f->type) {
    case FLOE_CONFIG_STRING: {
        if (!json_is_string(v)) {
            add_error(c, path, "must be %s, got %s", type_word(f->type), json_word(v));
            return NULL;
        }
        const char *s = json_string_value(v);
        if (strlen(s) != json_string_length(v)) {
            add_error(c, path, "must not contain NUL characters");
            return NULL;
        }
        if (check_bounds(c, f, (double)utf8_length(s), path, "length") != 0)
            return NULL;
        if (f->pattern) {
            regex_t re;
            if (regcomp(&re, f->pattern, REG_EXTENDED | REG_NOSUB) != 0) {
                floe_error_set(FLOE_EINVALID, "schema field '%s' has an invalid pattern '%s'", path,
                               f->pattern);
                set_fatal(c, FLOE_EINVALID);
                return NULL;
            }
            int m = regexec(&re, s, 0, NULL, 0);
            regfree(&re);
            if (m != 0) {
                add_error(c, path, "does not match the pattern '%s'", f->pattern);
                return NULL;
            }
        }
        if (secret) {
            if (store_secret(c, path, s) != 0) {
                set_fatal(c, FLOE_ENOMEM);
                return NULL;
            }
            return json_string(FLOE_CONFIG_REDACTED);
        }
        return json_string(s);
    }
    case FLOE_CONFIG_INT:
        if (!json_is_integer(v)) {
            add_error(c, path, "must be %s, got %s", type_word(f->type), json_word(v));
            return NULL;
        }
        if (check_bounds(c, f, (double)json_integer_value(v), path, "value") != 0)
            return NULL;
        return json_integer(json_integer_value(v));
    case FLOE_CONFIG_NUMBER:
        if (!json_is_number(v)) {
            add_error(c, path, "must be %s, got %s", type_word(f->type), json_word(v));
            return NULL;
        }
        if (check_bounds(c, f, json_number_value(v), path, "value") != 0)
            return NULL;
        return json_deep_copy(v);
    case FLOE_CONFIG_BOOL:
        if (!json_is_boolean(v)) {
            add_error(c, path, "must be %s, got %s", type_word(f->type), json_word(v));
            return NULL;
        }
        return json_boolean(json_is_true(v));
    case FLOE_CONFIG_ENUM: {
        if (json_is_string(v) && f->enum_values) {
            for (const char *const *e = f->enum_values; *e; e++)
                if (strcmp(*e, json_string_value(v)) == 0)
                    return json_string(*e);
        }
        floe_buf b = FLOE_BUF_INIT;
        for (const char *const *e = f->enum_values; e && *e; e++)
            if (floe_buf_printf(&b, "%s'%s'", e == f->enum_values ? "" : ", ", *e) != 0)
                break;
        const char *list = floe_buf_cstr(&b);
        add_error(c, path, "must be one of %s", list ? list : "(none)");
        floe_buf_free(&b);
        return NULL;
    }
    case FLOE_CONFIG_OBJECT:
        if (!json_is_object(v)) {
            add_error(c, path, "must be %s, got %s", type_word(f->type), json_word(v));
            return NULL;
        }
        return validate_object(c, f->fields, v, path);
    case FLOE_CONFIG_ARRAY: {
        if (!json_is_array(v)) {
            add_error(c, path, "must be %s, got %s", type_word(f->type), json_word(v));
            return NULL;
        }
        if (check_bounds(c, f, (double)json_array_size(v), path, "number of items") != 0)
            return NULL;
        json_t *out = json_array();
        if (!out) {
            set_fatal(c, FLOE_ENOMEM);
            return NULL;
        }
        int bad = 0;
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            char *ipath = index_path(path, i);
            if (!ipath) {
                set_fatal(c, FLOE_ENOMEM);
                break;
            }
            json_t *r = f->items ? validate_value(c, f->items, item, ipath) : json_deep_copy(item);
            floe_free(ipath);
            if (!r) {
                bad = 1;
                continue;
            }
            if (json_array_append_new(out, r) != 0)
                set_fatal(c, FLOE_ENOMEM);
        }
        if (bad || c->fatal) {
            json_decref(out);
            return NULL;
        }
        return out;
    }
    }
    floe_error_set(FLOE_EINVALID, "schema field '%s' has an unknown type %d", path, (int)f->type);
    set_fatal(c, FLOE_EINVALID);
    return NULL;
}

static int field_declared(const floe_config_field *fields, const char *key)
{
    for (const floe_config_field *f = fields; f && f->name; f++)
        if (strcmp(f->name, key) == 0)
            return 1;
    return 0;
}

/* The value of an absent field: its default, or (for an optional object) the object its
 * members' defaults make, or NULL when it stays absent. */
static json_t *absent_value(struct vctx *c, const floe_config_field *f, const char *path,
                            int *missing)
{
    *missing = 0;
    if (f->default_json) {
        json_error_t jerr;
        json_t *d = json_loads(f->default_json, JSON_DECODE_ANY, &jerr);
        if (!d) {
            floe_error_set(FLOE_EINVALID, "schema field '%s' has an invalid default (%s)", path,
                           jerr.text);
            set_fatal(c, FLOE_EINVALID);
            return NULL;
        }
        size_t before = c->errs->n;
        json_t *r = validate_value(c, f, d, path);
        json_decref(d);
        if (!r && !c->fatal && c->errs->n > before) {
            floe_error_set(FLOE_EINVALID,
                           "schema field '%s' has a default that fails its own "
                           "rules",
                           path);
            set_fatal(c, FLOE_EINVALID);
        }
        return r;
    }
    if (f->type == FLOE_CONFIG_OBJECT) {
        /* Try building the object from its members' defaults; if that needs required values,
         * the object is missing (an error only when it is itself required). */
        floe_config_errors trial = {NULL, 0, 0};
        struct vctx t = {c->cfg, &trial, c->unknown, 0};
        size_t secrets_before = c->cfg ? c->cfg->nsecrets : 0;
        json_t *empty = json_object();
        json_t *r = empty ? validate_object(&t, f->fields, empty, path) : NULL;
        json_decref(empty);
        int failed = trial.n > 0 || !r;
        for (size_t i = 0; i < trial.n; i++) {
            floe_free(trial.items[i].path);
            floe_free(trial.items[i].reason);
        }
        floe_free(trial.items);
        if (t.fatal) {
            set_fatal(c, t.fatal);
            json_decref(r);
            return NULL;
        }
        if (failed) {
            json_decref(r);
            /* Secrets met during the failed trial belong to nothing. */
            while (c->cfg && c->cfg->nsecrets > secrets_before) {
                struct secret_item *s = &c->cfg->secrets[--c->cfg->nsecrets];
                floe_secret_free(s->secret);
                floe_free(s->path);
            }
            if (f->flags & FLOE_CONFIG_REQUIRED)
                *missing = 1;
            return NULL;
        }
        return r;
    }
    if (f->flags & FLOE_CONFIG_REQUIRED)
        *missing = 1;
    return NULL;
}

static json_t *validate_object(struct vctx *c, const floe_config_field *fields, const json_t *in,
                               const char *path)
{
    json_t *out = json_object();
    if (!out) {
        set_fatal(c, FLOE_ENOMEM);
        return NULL;
    }
    size_t before = c->errs->n;
    for (const floe_config_field *f = fields; f && f->name && !c->fatal; f++) {
        char *fpath = join_path(path, f->name);
        if (!fpath) {
            set_fatal(c, FLOE_ENOMEM);
            break;
        }
        const json_t *v = json_object_get(in, f->name);
        json_t *r = NULL;
        if (!v || json_is_null(v)) {
            int missing = 0;
            r = absent_value(c, f, fpath, &missing);
            if (missing)
                add_error(c, fpath, "required field is missing");
        } else {
            r = validate_value(c, f, v, fpath);
        }
        if (r && json_object_set_new(out, f->name, r) != 0)
            set_fatal(c, FLOE_ENOMEM);
        floe_free(fpath);
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v)
    {
        if (c->fatal || field_declared(fields, key))
            continue;
        char *kpath = join_path(path, key);
        if (!kpath) {
            set_fatal(c, FLOE_ENOMEM);
            break;
        }
        if (c->unknown == FLOE_CONFIG_UNKNOWN_REJECT) {
            /* The known names help fix a typo. */
            floe_buf b = FLOE_BUF_INIT;
            for (const floe_config_field *f = fields; f && f->name; f++)
                if (floe_buf_printf(&b, "%s%s", f == fields ? "" : ", ", f->name) != 0)
                    break;
            const char *known = floe_buf_cstr(&b);
            add_error(c, kpath, "unknown field (expected one of: %s)",
                      known && known[0] ? known : "no fields");
            floe_buf_free(&b);
        } else if (c->unknown == FLOE_CONFIG_UNKNOWN_KEEP) {
            if (json_object_set_new(out, key, json_deep_copy(v)) != 0)
                set_fatal(c, FLOE_ENOMEM);
        }
        floe_free(kpath);
    }
    if (c->fatal || c->errs->n > before) {
        json_decref(out);
        return NULL;
    }
    return out;
}

void floe_config_errors_free(floe_config_errors *errors)
{
    if (!errors)
        return;
    for (size_t i = 0; i < errors->n; i++) {
        floe_free(errors->items[i].path);
        floe_free(errors->items[i].reason);
    }
    floe_free(errors->items);
    floe_free(errors);
}

size_t floe_config_errors_count(const floe_config_errors *errors)
{
    return errors ? errors->n : 0;
}

const char *floe_config_errors_path(const floe_config_errors *errors, size_t i)
{
    return errors && i < errors->n ? errors->items[i].path : NULL;
}

const char *floe_config_errors_reason(const floe_config_errors *errors, size_t i)
{
    return errors && i < errors->n ? errors->items[i].reason : NULL;
}

void floe_config_free(floe_config *config)
{
    if (!config)
        return;
    for (size_t i = 0; i < config->nsecrets; i++) {
        floe_secret_free(config->secrets[i].secret);
        floe_free(config->secrets[i].path);
    }
    floe_free(config->secrets);
    json_decref(config->tree);
    floe_free(config);
}

static int check_fields(const floe_config_field *fields, const char *path, const char *label)
{
    for (const floe_config_field *f = fields; f && f->name; f++) {
        if ((unsigned)f->type > (unsigned)FLOE_CONFIG_ARRAY)
            return floe_error_set(FLOE_EINVALID, "%s: schema field '%s%s%s' has unknown type %d",
                                  label, path, path[0] ? "." : "", f->name, (int)f->type);
        if ((f->flags & FLOE_CONFIG_SECRET) && f->type != FLOE_CONFIG_STRING)
            return floe_error_set(FLOE_EINVALID,
                                  "%s: schema field '%s%s%s' is secret but not a string", label,
                                  path, path[0] ? "." : "", f->name);
        if (f->type == FLOE_CONFIG_ENUM && (!f->enum_values || !f->enum_values[0]))
            return floe_error_set(FLOE_EINVALID, "%s: enum field '%s%s%s' lists no values", label,
                                  path, path[0] ? "." : "", f->name);
        if (f->pattern) {
            regex_t re;
            if (regcomp(&re, f->pattern, REG_EXTENDED | REG_NOSUB) != 0)
                return floe_error_set(FLOE_EINVALID,
                                      "%s: schema field '%s%s%s' has an invalid pattern '%s'",
                                      label, path, path[0] ? "." : "", f->name, f->pattern);
            regfree(&re);
        }
        if (f->type == FLOE_CONFIG_OBJECT && f->fields) {
            char *sub = join_path(path, f->name);
            if (!sub)
                return floe_error_set(FLOE_ENOMEM, "out of memory checking a schema");
            int rc = check_fields(f->fields, sub, label);
            floe_free(sub);
            if (rc)
                return rc;
        }
        if (f->type == FLOE_CONFIG_ARRAY && f->items && f->items->type == FLOE_CONFIG_OBJECT &&
            f->items->fields) {
            char *sub = join_path(path, f->name);
            if (!sub)
                return floe_error_set(FLOE_ENOMEM, "out of memory checking a schema");
            int rc = check_fields(f->items->fields, sub, label);
            floe_free(sub);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int floe_config__check_schema(const floe_config_schema *schema, const char *label)
{
    if (!schema)
        return 0;
    if (schema->version < 1)
        return floe_error_set(FLOE_EINVALID, "%s: config schema version %u is not supported",
                              label ? label : "plugin", schema->version);
    return check_fields(schema->fields, "", label ? label : "plugin");
}

int floe_config__validate_at(floe_config **out, floe_config_errors **errors,
                             const floe_config_schema *schema, const json_t *input,
                             const char *label, const char *prefix)
{
    if (out)
        *out = NULL;
    if (errors)
        *errors = NULL;
    if (!label)
        label = "configuration";
    if (!prefix)
        prefix = "";
    int rc = floe_config__check_schema(schema, label);
    if (rc)
        return rc;
    floe_config *cfg = floe_calloc(1, sizeof *cfg);
    floe_config_errors *errs = floe_calloc(1, sizeof *errs);
    json_t *empty = json_object();
    if (!cfg || !errs || !empty) {
        floe_free(cfg);
        floe_free(errs);
        json_decref(empty);
        return floe_error_set(FLOE_ENOMEM, "out of memory validating %s", label);
    }
    struct vctx c = {cfg, errs, schema ? schema->unknown : FLOE_CONFIG_UNKNOWN_REJECT, 0};
    const json_t *doc = (input && !json_is_null(input)) ? input : empty;
    json_t *tree = NULL;
    if (!json_is_object(doc))
        add_error(&c, prefix, "the configuration must be an object, got %s", json_word(doc));
    else
        tree = validate_object(&c, schema ? schema->fields : NULL, doc, prefix);
    json_decref(empty);
    if (c.fatal) {
        json_decref(tree);
        floe_config_free(cfg);
        floe_config_errors_free(errs);
        if (c.fatal == FLOE_ENOMEM)
            return floe_error_set(FLOE_ENOMEM, "out of memory validating %s", label);
        return c.fatal; /* the schema error message is already set */
    }
    if (errs->n > 0) {
        json_decref(tree);
        floe_config_free(cfg);
        floe_buf b = FLOE_BUF_INIT;
        int brc = floe_buf_printf(&b, "invalid configuration for %s: %zu problem%s:", label,
                                  errs->n, errs->n == 1 ? "" : "s");
        for (size_t i = 0; i < errs->n && brc == 0; i++)
            brc = floe_buf_printf(&b, "%s %s: %s", i ? ";" : "",
                                  errs->items[i].path[0] ? errs->items[i].path : "(root)",
                                  errs->items[i].reason);
        const char *msg = floe_buf_cstr(&b);
        rc = floe_error_set(FLOE_ECONFIG, "%s", msg ? msg : "invalid configuration");
        floe_buf_free(&b);
        if (errors)
            *errors = errs;
        else
            floe_config_errors_free(errs);
        return rc;
    }
    floe_config_errors_free(errs);
    cfg->tree = tree;
    if (out)
        *out = cfg;
    else
        floe_config_free(cfg);
    return 0;
}

int floe_config_validate(floe_config **out, floe_config_errors **errors,
                         const floe_config_schema *schema, const json_t *input, const char *label)
{
    return floe_config__validate_at(out, errors, schema, input, label, "");
}

const json_t *floe_config_json(const floe_config *config)
{
    return config ? config->tree : NULL;
}

/* Walks "a.b.0" or "a.b[0]" through objects and arrays. */
const json_t *floe_config_get(const floe_config *config, const char *path)
{
    if (!config || !path)
        return NULL;
    const json_t *cur = config->tree;
    const char *p = path;
    while (*p && cur) {
        char seg[256];
        size_t n = 0;
        int indexed = 0;
        if (*p == '[') {
            indexed = 1;
            p++;
            while (*p && *p != ']' && n + 1 < sizeof seg)
                seg[n++] = *p++;
            if (*p != ']')
                return NULL;
            p++;
        } else {
            while (*p && *p != '.' && *p != '[' && n + 1 < sizeof seg)
                seg[n++] = *p++;
            if (*p && *p != '.' && *p != '[')
                return NULL; /* segment too long */
        }
        seg[n] = '\0';
        if (*p == '.')
            p++;
        if (json_is_array(cur)) {
            char *end = NULL;
            if (!n)
                return NULL;
            unsigned long idx = strtoul(seg, &end, 10);
            if (*end)
                return NULL;
            cur = json_array_get(cur, idx);
        } else if (json_is_object(cur) && !indexed) {
            cur = json_object_get(cur, seg);
        } else {
            return NULL;
        }
    }
    return cur;
}

const char *floe_config_get_string(const floe_config *config, const char *path)
{
    const json_t *v = floe_config_get(config, path);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int floe_config_get_int(int64_t *out, const floe_config *config, const char *path)
{
    const json_t *v = floe_config_get(config, path);
    if (!v)
        return floe_error_set(FLOE_ENOTFOUND, "configuration has no value at '%s'",
                              path ? path : "");
    if (!json_is_integer(v))
        return floe_error_set(FLOE_EINVALID, "configuration value '%s' is not an integer", path);
    *out = (int64_t)json_integer_value(v);
    return 0;
}

int floe_config_get_number(double *out, const floe_config *config, const char *path)
{
    const json_t *v = floe_config_get(config, path);
    if (!v)
        return floe_error_set(FLOE_ENOTFOUND, "configuration has no value at '%s'",
                              path ? path : "");
    if (!json_is_number(v))
        return floe_error_set(FLOE_EINVALID, "configuration value '%s' is not a number", path);
    *out = json_number_value(v);
    return 0;
}

int floe_config_get_bool(int *out, const floe_config *config, const char *path)
{
    const json_t *v = floe_config_get(config, path);
    if (!v)
        return floe_error_set(FLOE_ENOTFOUND, "configuration has no value at '%s'",
                              path ? path : "");
    if (!json_is_boolean(v))
        return floe_error_set(FLOE_EINVALID, "configuration value '%s' is not a boolean", path);
    *out = json_is_true(v) ? 1 : 0;
    return 0;
}

const floe_secret *floe_config_secret(const floe_config *config, const char *path)
{
    if (!config || !path)
        return NULL;
    for (size_t i = 0; i < config->nsecrets; i++)
        if (strcmp(config->secrets[i].path, path) == 0)
            return config->secrets[i].secret;
    return NULL;
}

const char *floe_config_get_secret(const floe_config *config, const char *path)
{
    const floe_secret *s = floe_config_secret(config, path);
    return s ? floe_secret_reveal(s) : NULL;
}

size_t floe_config_secret_count(const floe_config *config)
{
    return config ? config->nsecrets : 0;
}
