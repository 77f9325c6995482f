/* Loading configuration documents (JSON, YAML) into jansson trees, with positions in errors. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include <floe/config.h>
#include <floe/error.h>

#include "base/alloc.h"

/* Configuration files are small; anything larger is a mistake, not a config. */
#define CONFIG_MAX_BYTES (16u * 1024u * 1024u)
/* Bounds nesting so a hostile document cannot exhaust the stack or memory. */
#define YAML_MAX_DEPTH 64

int floe_config_parse_json(json_t **out, const char *text, size_t len, const char *name)
{
    if (!out || (!text && len))
        return floe_error_set(FLOE_EINVALID, "floe_config_parse_json: NULL argument");
    *out = NULL;
    json_error_t err;
    json_t *root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        return floe_error_set(FLOE_ECONFIG, "%s: invalid JSON at line %d, column %d: %s",
                              name ? name : "<config>", err.line, err.column, err.text);
    *out = root;
    return 0;
}

static int is_plain_int(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p)
        return 0;
    for (; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

static int is_plain_float(const char *s)
{
    /* YAML 1.2 core schema float: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+
     * )? */
    const char *p = s;
    int digits = 0;
    if (*p == '+' || *p == '-')
        p++;
    while (*p >= '0' && *p <= '9') {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            p++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

static int str_in(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

/* Types a plain (unquoted) scalar as the YAML 1.2 core schema does. */
static json_t *typed_scalar(const char *v, int plain, int *range_error)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    static const char *const infs[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
    static const char *const ninfs[] = {"-.inf", "-.Inf", "-.INF", NULL};
    static const char *const nans[] = {".nan", ".NaN", ".NAN", NULL};
    *range_error = 0;
    if (!plain)
        return json_string(v);
    if (str_in(v, nulls))
        return json_null();
    if (str_in(v, trues))
        return json_true();
    if (str_in(v, falses))
        return json_false();
    if (is_plain_int(v)) {
        errno = 0;
        long long n = strtoll(v, NULL, 10);
        if (errno == ERANGE) {
            *range_error = 1;
            return NULL;
        }
        return json_integer((json_int_t)n);
    }
    /* jansson cannot hold inf/nan: they are kept as their text so validation can report them. */
    if (str_in(v, infs) || str_in(v, ninfs) || str_in(v, nans))
        return json_string(v);
    if (is_plain_float(v)) {
        double d = strtod(v, NULL);
        if (!isfinite(d)) {
            *range_error = 1;
            return NULL;
        }
        return json_real(d);
    }
    return json_string(v);
}

struct yaml_frame {
    json_t *node;
    char *pending_key; /* mapping: key read, value not yet */
    size_t key_line, key_col;
};

static int yaml_fail(const char *name, const yaml_mark_t *m, const char *what)
{
    return floe_error_set(FLOE_ECONFIG, "%s: invalid YAML at line %zu, column %zu: %s",
                          name ? name : "<config>", m->line + 1, m->column + 1, what);
}

/* Adds a finished node to the container on top of the stack (or makes it the root). */
static int yaml_attach(struct yaml_frame *stack, int depth, json_t **root, json_t *node,
                       const yaml_mark_t *mark, const char *name)
{
    if (depth == 0) {
        *root = node;
        return 0;
    }
    struct yaml_frame *top = &stack[depth - 1];
    if (json_is_array(top->node)) {
        if (json_array_append_new(top->node, node) != 0)
            return floe_error_set(FLOE_ENOMEM, "out of memory building YAML array");
        return 0;
    }
    if (!top->pending_key) {
        /* Keys are taken as text before attaching, and collections as keys are refused at
         * their start event, so this is only reached on a parser inconsistency. */
        json_decref(node);
        return yaml_fail(name, mark, "mapping keys must be scalars");
    }
    if (json_object_get(top->node, top->pending_key)) {
        json_decref(node);
        char msg[300];
        snprintf(msg, sizeof msg, "duplicate key '%s'", top->pending_key);
        return floe_error_set(FLOE_ECONFIG, "%s: invalid YAML at line %zu, column %zu: %s",
                              name ? name : "<config>", top->key_line, top->key_col, msg);
    }
    if (json_object_set_new(top->node, top->pending_key, node) != 0)
        return floe_error_set(FLOE_ENOMEM, "out of memory building YAML mapping");
    floe_free(top->pending_key);
    top->pending_key = NULL;
    return 0;
}

int floe_config_parse_yaml(json_t **out, const char *text, size_t len, const char *name)
{
    if (!out || (!text && len))
        return floe_error_set(FLOE_EINVALID, "floe_config_parse_yaml: NULL argument");
    *out = NULL;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return floe_error_set(FLOE_ENOMEM, "out of memory starting the YAML parser");
    yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""), len);

    struct yaml_frame stack[YAML_MAX_DEPTH];
    int depth = 0;
    json_t *root = NULL;
    int docs = 0, done = 0, rc = 0;
    while (!done && rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = floe_error_set(FLOE_ECONFIG, "%s: invalid YAML at line %zu, column %zu: %s%s%s",
                                name ? name : "<config>", parser.problem_mark.line + 1,
                                parser.problem_mark.column + 1,
                                parser.problem ? parser.problem : "syntax error",
                                parser.context ? " " : "", parser.context ? parser.context : "");
            break;
        }
        json_t *node = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                rc = yaml_fail(name, &ev.start_mark, "only one document is allowed");
            break;
        case YAML_ALIAS_EVENT:
            rc = yaml_fail(name, &ev.start_mark, "aliases (*name) are not supported");
            break;
        case YAML_SCALAR_EVENT: {
            if (ev.data.scalar.anchor) {
                rc = yaml_fail(name, &ev.start_mark, "anchors (&name) are not supported");
                break;
            }
            const char *v = (const char *)ev.data.scalar.value;
            if (strlen(v) != ev.data.scalar.length) {
                rc = yaml_fail(name, &ev.start_mark, "NUL byte in a scalar");
                break;
            }
            int plain =
                ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && ev.data.scalar.plain_implicit;
            int range = 0;
            /* Keys are kept as text whatever they look like. */
            int is_key =
                depth > 0 && json_is_object(stack[depth - 1].node) && !stack[depth - 1].pending_key;
            if (is_key) {
                stack[depth - 1].pending_key = floe_strdup(v);
                stack[depth - 1].key_line = ev.start_mark.line + 1;
                stack[depth - 1].key_col = ev.start_mark.column + 1;
                if (!stack[depth - 1].pending_key)
                    rc = floe_error_set(FLOE_ENOMEM, "out of memory reading YAML");
                break;
            }
            node = typed_scalar(v, plain, &range);
            if (!node) {
                rc = range ? yaml_fail(name, &ev.start_mark, "number out of range")
                           : floe_error_set(FLOE_ENOMEM, "out of memory reading YAML");
                break;
            }
            rc = yaml_attach(stack, depth, &root, node, &ev.start_mark, name);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            const unsigned char *anchor = ev.type == YAML_SEQUENCE_START_EVENT
                                              ? ev.data.sequence_start.anchor
                                              : ev.data.mapping_start.anchor;
            if (anchor) {
                rc = yaml_fail(name, &ev.start_mark, "anchors (&name) are not supported");
                break;
            }
            if (depth > 0 && json_is_object(stack[depth - 1].node) &&
                !stack[depth - 1].pending_key) {
                rc = yaml_fail(name, &ev.start_mark, "mapping keys must be scalars");
                break;
            }
            if (depth >= YAML_MAX_DEPTH) {
                rc = yaml_fail(name, &ev.start_mark, "nesting deeper than 64 levels");
                break;
            }
            node = ev.type == YAML_SEQUENCE_START_EVENT ? json_array() : json_object();
            if (!node) {
                rc = floe_error_set(FLOE_ENOMEM, "out of memory reading YAML");
                break;
            }
            stack[depth].node = node;
            stack[depth].pending_key = NULL;
            depth++;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            depth--;
            node = stack[depth].node;
            floe_free(stack[depth].pending_key);
            stack[depth].pending_key = NULL;
            rc = yaml_attach(stack, depth, &root, node, &ev.start_mark, name);
            break;
        }
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (rc != 0) {
        /* Containers still open are not yet attached to their parents: free each one. */
        for (int i = depth - 1; i >= 0; i--) {
            floe_free(stack[i].pending_key);
            json_decref(stack[i].node);
        }
        json_decref(root);
        return rc;
    }
    if (!root)
        root = json_null(); /* an empty document */
    *out = root;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int floe_config_load_file(json_t **out, const char *path)
{
    if (!out || !path)
        return floe_error_set(FLOE_EINVALID, "floe_config_load_file: NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return floe_error_set(errno == ENOENT ? FLOE_ENOTFOUND : FLOE_EIO,
                              "cannot open configuration file '%s': %s", path, strerror(errno));
    char *data = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len == cap) {
            if (cap >= CONFIG_MAX_BYTES) {
                rc = floe_error_set(FLOE_ECONFIG, "configuration file '%s' is larger than %u bytes",
                                    path, CONFIG_MAX_BYTES);
                break;
            }
            size_t ncap = cap ? cap * 2 : 4096;
            char *p = floe_realloc(data, ncap);
            if (!p) {
                rc = floe_error_set(FLOE_ENOMEM, "out of memory reading '%s'", path);
                break;
            }
            data = p;
            cap = ncap;
        }
        size_t n = fread(data + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                rc = floe_error_set(FLOE_EIO, "cannot read configuration file '%s'", path);
            break;
        }
    }
    fclose(f);
    if (rc == 0) {
        int yaml;
        if (ends_with(path, ".yaml") || ends_with(path, ".yml"))
            yaml = 1;
        else if (ends_with(path, ".json"))
            yaml = 0;
        else {
            size_t i = 0;
            while (i < len &&
                   (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
                i++;
            yaml = !(i < len && (data[i] == '{' || data[i] == '['));
        }
        rc = yaml ? floe_config_parse_yaml(out, data, len, path)
                  : floe_config_parse_json(out, data, len, path);
    }
    floe_free(data);
    return rc;
}
