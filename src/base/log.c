#include <floe/log.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/log_scrub.h"
#include "base/utf8.h"

#define REDACTED_FIELD "***"
/* Fields kept on the stack per line before spilling to the heap. */
#define INLINE_FIELDS 32

typedef struct kv_list {
    size_t n, cap;
    char **keys;
    char **vals;
} kv_list;

struct floe_log_context {
    kv_list fields;
};

typedef struct field {
    const char *key;
    const char *value;
} field;

static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static atomic_int cur_level = FLOE_LOG_WARN;
static atomic_int cur_format = FLOE_LOG_FORMAT_AUTO;
static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static floe_log_sink_fn sink_fn;
static void *sink_ctx;
static _Atomic(floe_log__scrub_fn) scrubber;

static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static pthread_key_t tls_key;

static const char *const level_names[] = {"trace", "debug", "info", "warn", "error", "off"};
static const char *const level_upper[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"};

void floe_log__set_scrubber(floe_log__scrub_fn fn)
{
    atomic_store(&scrubber, fn);
}

int floe_log__scrub(char **out, const char *s)
{
    floe_log__scrub_fn fn = atomic_load(&scrubber);
    *out = NULL;
    return fn ? fn(out, s) : 0;
}

int floe_log_level_parse(floe_log_level *out, const char *name)
{
    if (!name)
        return floe_error_set(FLOE_EINVALID, "log level is NULL");
    for (int i = 0; i <= FLOE_LOG_OFF; i++) {
        if (strcasecmp(name, level_names[i]) == 0) {
            *out = (floe_log_level)i;
            return 0;
        }
    }
    if (strcasecmp(name, "warning") == 0) {
        *out = FLOE_LOG_WARN;
        return 0;
    }
    return floe_error_set(
        FLOE_EINVALID, "unknown log level '%s': use trace, debug, info, warn, error or off", name);
}

const char *floe_log_level_name(floe_log_level level)
{
    if ((int)level < 0 || level > FLOE_LOG_OFF)
        return "unknown";
    return level_names[level];
}

static void read_env(void)
{
    floe_log_level lvl = FLOE_LOG_WARN;
    const char *s = getenv("FLOE_LOG_LEVEL");
    if (s && *s && floe_log_level_parse(&lvl, s) != 0) {
        /* A typo must not silence errors: keep the default and say so once. */
        lvl = FLOE_LOG_WARN;
        fprintf(stderr,
                "floe: ignoring FLOE_LOG_LEVEL='%s' (use trace, debug, info, warn, "
                "error or off)\n",
                s);
    }
    atomic_store(&cur_level, (int)lvl);
    floe_log_format fmt = FLOE_LOG_FORMAT_AUTO;
    const char *f = getenv("FLOE_LOG_FORMAT");
    if (f && strcasecmp(f, "json") == 0)
        fmt = FLOE_LOG_FORMAT_JSON;
    else if (f && strcasecmp(f, "text") == 0)
        fmt = FLOE_LOG_FORMAT_TEXT;
    atomic_store(&cur_format, (int)fmt);
}

static void ensure_init(void)
{
    pthread_once(&env_once, read_env);
}

void floe_log_init_from_env(void)
{
    ensure_init();
    read_env();
}

void floe_log_set_level(floe_log_level level)
{
    ensure_init();
    if ((int)level < FLOE_LOG_TRACE || level > FLOE_LOG_OFF)
        level = FLOE_LOG_OFF;
    atomic_store(&cur_level, (int)level);
}

floe_log_level floe_log_get_level(void)
{
    ensure_init();
    return (floe_log_level)atomic_load(&cur_level);
}

void floe_log_set_format(floe_log_format format)
{
    ensure_init();
    atomic_store(&cur_format, (int)format);
}

void floe_log_set_sink(floe_log_sink_fn fn, void *ctx)
{
    pthread_mutex_lock(&sink_lock);
    sink_fn = fn;
    sink_ctx = ctx;
    pthread_mutex_unlock(&sink_lock);
}

int floe_log_enabled(floe_log_level level)
{
    ensure_init();
    if ((int)level < FLOE_LOG_TRACE || level >= FLOE_LOG_OFF)
        return 0;
    return (int)level >= atomic_load(&cur_level);
}

int floe_log_key_is_secret(const char *key)
{
    static const char *const needles[] = {
        "password",      "passwd",      "secret",      "token",      "credential",
        "authorization", "api_key",     "apikey",      "api-key",    "cookie",
        "session",       "private_key", "private-key", "access_key", "access-key",
    };
    if (!key)
        return 0;
    char low[128];
    size_t n = strlen(key);
    if (n >= sizeof low)
        n = sizeof low - 1;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        low[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    low[n] = '\0';
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        if (strstr(low, needles[i]))
            return 1;
    return 0;
}

/* ---- key/value lists (contexts and thread bindings) ---- */

static void kv_clear(kv_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        floe_free(l->keys[i]);
        floe_free(l->vals[i]);
    }
    floe_free(l->keys);
    floe_free(l->vals);
    memset(l, 0, sizeof *l);
}

static int kv_set(kv_list *l, const char *key, const char *value)
{
    if (!key)
        return floe_error_set(FLOE_EINVALID, "log field key is NULL");
    char *v = NULL;
    if (value && !(v = floe_strdup(value)))
        return floe_error_set(FLOE_ENOMEM, "out of memory binding log field '%s'", key);
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->keys[i], key) == 0) {
            floe_free(l->vals[i]);
            l->vals[i] = v;
            return 0;
        }
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        char **k = floe_realloc(l->keys, cap * sizeof *k);
        if (!k) {
            floe_free(v);
            return floe_error_set(FLOE_ENOMEM, "out of memory binding log field '%s'", key);
        }
        l->keys = k;
        char **vv = floe_realloc(l->vals, cap * sizeof *vv);
        if (!vv) {
            floe_free(v);
            return floe_error_set(FLOE_ENOMEM, "out of memory binding log field '%s'", key);
        }
        l->vals = vv;
        l->cap = cap;
    }
    char *k = floe_strdup(key);
    if (!k) {
        floe_free(v);
        return floe_error_set(FLOE_ENOMEM, "out of memory binding log field '%s'", key);
    }
    l->keys[l->n] = k;
    l->vals[l->n] = v;
    l->n++;
    return 0;
}

static void kv_remove(kv_list *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->keys[i], key) == 0) {
            floe_free(l->keys[i]);
            floe_free(l->vals[i]);
            memmove(l->keys + i, l->keys + i + 1, (l->n - i - 1) * sizeof *l->keys);
            memmove(l->vals + i, l->vals + i + 1, (l->n - i - 1) * sizeof *l->vals);
            l->n--;
            return;
        }
    }
}

int floe_log_context_new(floe_log_context **out)
{
    floe_log_context *c = floe_calloc(1, sizeof *c);
    if (!c)
        return floe_error_set(FLOE_ENOMEM, "out of memory creating a log context");
    *out = c;
    return 0;
}

int floe_log_context_bind(floe_log_context *ctx, const char *key, const char *value)
{
    if (!ctx)
        return floe_error_set(FLOE_EINVALID, "log context is NULL");
    return kv_set(&ctx->fields, key, value);
}

void floe_log_context_free(floe_log_context *ctx)
{
    if (!ctx)
        return;
    kv_clear(&ctx->fields);
    floe_free(ctx);
}

static void tls_destroy(void *p)
{
    kv_list *l = p;
    kv_clear(l);
    floe_free(l);
}

static void tls_make_key(void)
{
    pthread_key_create(&tls_key, tls_destroy);
}

static kv_list *tls_list(int create)
{
    pthread_once(&tls_once, tls_make_key);
    kv_list *l = pthread_getspecific(tls_key);
    if (!l && create) {
        l = floe_calloc(1, sizeof *l);
        if (l && pthread_setspecific(tls_key, l) != 0) {
            floe_free(l);
            l = NULL;
        }
    }
    return l;
}

int floe_log_bind(const char *key, const char *value)
{
    if (!key)
        return floe_error_set(FLOE_EINVALID, "log field key is NULL");
    kv_list *l = tls_list(1);
    if (!l)
        return floe_error_set(FLOE_ENOMEM, "out of memory binding log field '%s'", key);
    return kv_set(l, key, value);
}

static void tls_release_if_empty(kv_list *l)
{
    if (l->n == 0) {
        pthread_setspecific(tls_key, NULL);
        tls_destroy(l);
    }
}

void floe_log_unbind(const char *key)
{
    if (!key)
        return;
    kv_list *l = tls_list(0);
    if (!l)
        return;
    kv_remove(l, key);
    tls_release_if_empty(l);
}

void floe_log_unbind_all(void)
{
    kv_list *l = tls_list(0);
    if (!l)
        return;
    kv_clear(l);
    tls_release_if_empty(l);
}

/* ---- formatting ---- */

/* Appends s as the body of a JSON string (no quotes); invalid UTF-8 becomes U+FFFD. */
static int append_json_escaped(floe_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    size_t i = 0;
    int rc = 0;
    while (i < len && rc == 0) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            rc = floe_buf_append(b, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            switch (c) {
            case '\n':
                rc = floe_buf_append_str(b, "\\n");
                break;
            case '\r':
                rc = floe_buf_append_str(b, "\\r");
                break;
            case '\t':
                rc = floe_buf_append_str(b, "\\t");
                break;
            case '\b':
                rc = floe_buf_append_str(b, "\\b");
                break;
            case '\f':
                rc = floe_buf_append_str(b, "\\f");
                break;
            default:
                rc = floe_buf_printf(b, "\\u%04x", (unsigned)c);
            }
            i++;
        } else if (c < 0x80) {
            rc = floe_buf_append_byte(b, c);
            i++;
        } else {
            size_t n = floe_utf8_seq_len(p + i, len - i);
            if (n == 0) {
                rc = floe_buf_append_str(b, "\\ufffd");
                i++;
            } else {
                rc = floe_buf_append(b, p + i, n);
                i += n;
            }
        }
    }
    return rc;
}

static int append_json_string(floe_buf *b, const char *s)
{
    int rc = floe_buf_append_byte(b, '"');
    if (!rc)
        rc = append_json_escaped(b, s);
    if (!rc)
        rc = floe_buf_append_byte(b, '"');
    return rc;
}

/* Text values are bare when they are plain tokens, else quoted with JSON escapes. */
static int append_text_value(floe_buf *b, const char *s)
{
    int plain = *s != '\0';
    for (const unsigned char *p = (const unsigned char *)s; *p && plain; p++)
        if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || *p == 0x7f)
            plain = 0;
    if (plain)
        return append_json_escaped(b, s);
    return append_json_string(b, s);
}

static int append_timestamp(floe_buf *b)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    time_t secs = ts.tv_sec;
    if (!gmtime_r(&secs, &tm))
        memset(&tm, 0, sizeof tm);
    return floe_buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                           (long)(ts.tv_nsec / 1000000));
}

static int use_json(void)
{
    int f = atomic_load(&cur_format);
    if (f == FLOE_LOG_FORMAT_JSON)
        return 1;
    if (f == FLOE_LOG_FORMAT_TEXT)
        return 0;
    return !isatty(STDERR_FILENO);
}

/* The value to print for a field: redacted for secret keys, scrubbed of live secrets.
 * *owned is set when the returned string must be freed. */
static const char *display_value(const char *key, const char *value, char **owned)
{
    *owned = NULL;
    if (!value)
        return NULL;
    if (key && floe_log_key_is_secret(key))
        return REDACTED_FIELD;
    floe_log__scrub_fn fn = atomic_load(&scrubber);
    if (fn) {
        int rc = fn(owned, value);
        if (rc == 1)
            return *owned;
        if (rc < 0)
            return REDACTED_FIELD; /* could not check it: do not risk a leak */
    }
    return value;
}

static int format_line(floe_buf *b, floe_log_level level, const char *message, const field *fs,
                       size_t nf)
{
    int json = use_json();
    char *owned = NULL;
    const char *msg = display_value(NULL, message ? message : "", &owned);
    int rc;
    if (json) {
        rc = floe_buf_append_str(b, "{\"timestamp\":\"");
        if (!rc)
            rc = append_timestamp(b);
        if (!rc)
            rc = floe_buf_printf(b, "\",\"level\":\"%s\",\"message\":", level_names[level]);
        if (!rc)
            rc = append_json_string(b, msg);
    } else {
        rc = append_timestamp(b);
        if (!rc)
            rc = floe_buf_printf(b, " %-5s ", level_upper[level]);
        if (!rc)
            rc = append_json_escaped(b, msg);
    }
    floe_free(owned);
    for (size_t i = 0; i < nf && rc == 0; i++) {
        /* A later field with the same key wins: skip this one. */
        int shadowed = 0;
        for (size_t j = i + 1; j < nf && !shadowed; j++)
            shadowed = strcmp(fs[i].key, fs[j].key) == 0;
        if (shadowed)
            continue;
        const char *v = display_value(fs[i].key, fs[i].value, &owned);
        if (json) {
            rc = floe_buf_append_byte(b, ',');
            if (!rc)
                rc = append_json_string(b, fs[i].key);
            if (!rc)
                rc = floe_buf_append_byte(b, ':');
            if (!rc)
                rc = v ? append_json_string(b, v) : floe_buf_append_str(b, "null");
        } else {
            rc = floe_buf_append_byte(b, ' ');
            if (!rc)
                rc = append_text_value(b, fs[i].key);
            if (!rc)
                rc = floe_buf_append_byte(b, '=');
            if (!rc)
                rc = v ? append_text_value(b, v) : floe_buf_append_str(b, "null");
        }
        floe_free(owned);
        owned = NULL;
    }
    if (!rc && json)
        rc = floe_buf_append_byte(b, '}');
    return rc;
}

/* `line` ends with a newline at line[len - 1]: stderr gets it, a sink gets the line without. */
static void emit(floe_log_level level, char *line, size_t len)
{
    pthread_mutex_lock(&sink_lock);
    if (sink_fn) {
        line[len - 1] = '\0';
        sink_fn(level, line, len - 1, sink_ctx);
    } else {
        /* One write per line keeps lines whole even between processes sharing stderr. */
        size_t off = 0;
        while (off < len) {
            ssize_t w = write(STDERR_FILENO, line + off, len - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
    }
    pthread_mutex_unlock(&sink_lock);
}

static void log_fields(const floe_log_context *ctx, floe_log_level level, const char *message,
                       va_list ap)
{
    if (!floe_log_enabled(level))
        return;
    /* Saved so logging never changes the caller's last error. */
    int saved_code = floe_error_last_code();
    char *saved_msg = saved_code ? floe_strdup(floe_error_last()) : NULL;

    kv_list *tl = tls_list(0);
    size_t ntl = tl ? tl->n : 0;
    size_t nctx = ctx ? ctx->fields.n : 0;
    size_t ncall = 0;
    va_list cp;
    va_copy(cp, ap);
    for (const char *k = va_arg(cp, const char *); k; k = va_arg(cp, const char *)) {
        (void)va_arg(cp, const char *);
        ncall++;
    }
    va_end(cp);

    field inline_fields[INLINE_FIELDS];
    field *fs = inline_fields;
    size_t total = ntl + nctx + ncall;
    if (total > INLINE_FIELDS) {
        fs = floe_calloc(total, sizeof *fs);
        if (!fs) {
            fs = inline_fields;
            total = 0; /* out of memory: still write the message */
            ntl = nctx = ncall = 0;
        }
    }
    size_t nf = 0;
    for (size_t i = 0; i < ntl; i++)
        fs[nf++] = (field){tl->keys[i], tl->vals[i]};
    for (size_t i = 0; i < nctx; i++)
        fs[nf++] = (field){ctx->fields.keys[i], ctx->fields.vals[i]};
    for (size_t i = 0; i < ncall; i++) {
        const char *k = va_arg(ap, const char *);
        const char *v = va_arg(ap, const char *);
        fs[nf++] = (field){k, v};
    }

    floe_buf b = FLOE_BUF_INIT;
    if (format_line(&b, level, message, fs, nf) == 0 && floe_buf_append_byte(&b, '\n') == 0)
        emit(level, (char *)b.data, b.len);
    floe_buf_free(&b);
    if (fs != inline_fields)
        floe_free(fs);
    if (saved_code) {
        floe_error_set(saved_code, "%s", saved_msg ? saved_msg : floe_strerror(saved_code));
        floe_free(saved_msg);
    } else {
        floe_error_clear();
    }
}

void floe_logv(floe_log_level level, const char *message, va_list fields)
{
    log_fields(NULL, level, message, fields);
}

void floe_log(floe_log_level level, const char *message, ...)
{
    va_list ap;
    va_start(ap, message);
    log_fields(NULL, level, message, ap);
    va_end(ap);
}

void floe_log_ctx(const floe_log_context *ctx, floe_log_level level, const char *message, ...)
{
    va_list ap;
    va_start(ap, message);
    log_fields(ctx, level, message, ap);
    va_end(ap);
}
