/**
 * @file floe/log.h
 * Structured logging: one JSON object per line (or a human text line on a terminal), with
 * a level, a message and key/value fields. Fields whose key looks secret ("password",
 * "token", "authorization", ...) are always written as "***", and values of live
 * `floe_secret`s are scrubbed from every line.
 *
 * Fields are passed as `const char *key, const char *value` pairs ending with a NULL key:
 * @code
 * floe_log(FLOE_LOG_WARN, "retrying request", "url", url, "attempt", "2", NULL);
 * @endcode
 *
 * Configuration: `FLOE_LOG_LEVEL` (trace|debug|info|warn|error|off, default warn) and
 * `FLOE_LOG_FORMAT` (json|text; default text when stderr is a terminal, else json), read
 * once at the first log call; floe_log_set_level() and floe_log_set_format() override them.
 * Every function here is thread-safe; a line is written with one call to the sink, under a
 * lock, so lines from different threads never interleave.
 */
#ifndef FLOE_LOG_H
#define FLOE_LOG_H

#include <stdarg.h>
#include <stddef.h>

#include "common.h"

FLOE_BEGIN_DECLS

/** Severity of a log line, lowest first. FLOE_LOG_OFF as a level disables logging. */
typedef enum {
    FLOE_LOG_TRACE,
    FLOE_LOG_DEBUG,
    FLOE_LOG_INFO,
    FLOE_LOG_WARN,
    FLOE_LOG_ERROR,
    FLOE_LOG_OFF
} floe_log_level;

/** Line format. */
typedef enum {
    FLOE_LOG_FORMAT_AUTO, /**< text when stderr is a terminal, else JSON */
    FLOE_LOG_FORMAT_JSON, /**< one JSON object per line */
    FLOE_LOG_FORMAT_TEXT  /**< `<timestamp> <LEVEL> <message> key=value ...` */
} floe_log_format;

/**
 * Receives each formatted line (without a trailing newline, NUL-terminated). Called with the
 * log lock held: it must not call floe_log itself.
 * @param level the line's level
 * @param line (transfer none) the line, valid only during the call
 * @param len length of `line` in bytes
 * @param ctx the pointer given to floe_log_set_sink()
 */
typedef void (*floe_log_sink_fn)(floe_log_level level, const char *line, size_t len, void *ctx);

/**
 * Sends lines to `fn` instead of stderr; `fn == NULL` restores stderr.
 * @param ctx (transfer none) passed back to `fn`
 */
FLOE_API void floe_log_set_sink(floe_log_sink_fn fn, void *ctx);

/** Sets the minimum level written, overriding `FLOE_LOG_LEVEL`. */
FLOE_API void floe_log_set_level(floe_log_level level);

/** The minimum level currently written. */
FLOE_API floe_log_level floe_log_get_level(void);

/** Sets the line format, overriding `FLOE_LOG_FORMAT`. */
FLOE_API void floe_log_set_format(floe_log_format format);

/** Re-reads `FLOE_LOG_LEVEL` and `FLOE_LOG_FORMAT`, dropping earlier overrides. */
FLOE_API void floe_log_init_from_env(void);

/**
 * Parses a level name (trace, debug, info, warn/warning, error, off; case-insensitive).
 * @return 0, or FLOE_EINVALID for an unknown name
 */
FLOE_API int floe_log_level_parse(floe_log_level *out, const char *name);

/** Lower-case name of a level ("warn"); never NULL. */
FLOE_API const char *floe_log_level_name(floe_log_level level);

/** Non-zero when a line at `level` would be written; use it to skip costly field building. */
FLOE_API int floe_log_enabled(floe_log_level level);

/**
 * Writes one line with `message` and the fields bound to this thread (floe_log_bind()),
 * then the `key, value` pairs that follow, ended by a NULL key. A NULL value is written as
 * JSON null. When a key repeats, the last value wins.
 */
FLOE_API void floe_log(floe_log_level level, const char *message, ...);

/** As floe_log() with a va_list of `key, value` pairs ending with a NULL key. */
FLOE_API void floe_logv(floe_log_level level, const char *message, va_list fields);

/** A set of fields bound once and written with every line logged through it. */
typedef struct floe_log_context floe_log_context;

/**
 * Creates an empty context.
 * @param out (transfer full) free with floe_log_context_free()
 * @return 0 or FLOE_ENOMEM
 */
FLOE_API int floe_log_context_new(floe_log_context **out);

/**
 * Binds `key` to a copy of `value` (NULL allowed), replacing an earlier binding of `key`.
 * Binding is not thread-safe against concurrent use of the same context; logging through a
 * context that is no longer changed is.
 * @return 0, FLOE_EINVALID (NULL key) or FLOE_ENOMEM
 */
FLOE_API int floe_log_context_bind(floe_log_context *ctx, const char *key, const char *value);

/** Frees a context; NULL is allowed. */
FLOE_API void floe_log_context_free(floe_log_context *ctx);

/**
 * As floe_log(), adding the fields bound to `ctx` (after this thread's bound fields and
 * before the call's own fields). `ctx` may be NULL.
 */
FLOE_API void floe_log_ctx(const floe_log_context *ctx, floe_log_level level, const char *message,
                           ...);

/**
 * Binds `key` to a copy of `value` for every line this thread logs from now on (e.g. a
 * request id), replacing an earlier binding of `key`.
 * @return 0, FLOE_EINVALID (NULL key) or FLOE_ENOMEM
 */
FLOE_API int floe_log_bind(const char *key, const char *value);

/** Removes this thread's binding of `key`, if any. */
FLOE_API void floe_log_unbind(const char *key);

/** Removes all of this thread's bindings. */
FLOE_API void floe_log_unbind_all(void);

/**
 * Non-zero when a field named `key` is written as "***": its lower-cased name contains
 * password, passwd, secret, token, credential, authorization, api_key, apikey, api-key,
 * private_key, access_key (or with "-" for "_"), cookie or session.
 */
FLOE_API int floe_log_key_is_secret(const char *key);

FLOE_END_DECLS

#endif
