/**
 * @file floe/error.h
 * floe's error model: every fallible function returns an `int`, 0 on success or a negative
 * `FLOE_E*` code, and records a message in a thread-local "last error" at the failure site.
 */
#ifndef FLOE_ERROR_H
#define FLOE_ERROR_H

#include <stdarg.h>

#include "common.h"

FLOE_BEGIN_DECLS

/** Error codes. Distinct codes exist only where a caller can act on them. */
typedef enum floe_error_code {
    FLOE_OK = 0,               /**< success */
    FLOE_ERROR = -1,           /**< generic failure (see the message) */
    FLOE_ENOMEM = -2,          /**< out of memory */
    FLOE_EINVALID = -3,        /**< invalid argument or input (ValidationError) */
    FLOE_ENOTFOUND = -4,       /**< no such plugin, namespace, table, snapshot, file */
    FLOE_EEXISTS = -5,         /**< already exists (duplicate plugin, table exists) */
    FLOE_ECONFLICT = -6,       /**< concurrent modification: a commit requirement failed */
    FLOE_EUNSUPPORTED = -7,    /**< operation or format feature not supported */
    FLOE_EVERSION = -8,        /**< incompatible version (plugin API, format-version) */
    FLOE_EAUTH = -9,           /**< authentication or authorization failed */
    FLOE_EUNAVAILABLE = -10,   /**< a service (catalog, storage) cannot be reached */
    FLOE_EIO = -11,            /**< an I/O operation failed */
    FLOE_ECORRUPT = -12,       /**< malformed or corrupt data (file, JSON, footer) */
    FLOE_ETIMEOUT = -13,       /**< an operation did not finish in its time limit */
    FLOE_ECONFIG = -14,        /**< configuration failed validation */
    FLOE_EPLUGIN = -15,        /**< a plugin could not be loaded (ABI, symbol, init) */
    FLOE_ECYCLE = -16,         /**< circular dependency between plugins */
    FLOE_EDEPENDENCY = -17,    /**< a required dependency is missing */
    FLOE_EPERM = -18,          /**< permission denied, or a path outside the allowed root */
    FLOE_ENOTEMPTY = -19,      /**< namespace (or directory) not empty */
    FLOE_ECOMMITUNKNOWN = -20, /**< commit outcome unknown: do not clean up its files */
    FLOE_ESCHEMA = -21,        /**< incompatible schema change or schema mismatch */
    FLOE_ECANCELLED = -22,     /**< cancelled by the caller */
    FLOE_ERANGE = -23          /**< a value is outside its allowed range */
} floe_error_code;

/** The lowest (most negative) error code defined; for iterating over codes. */
#define FLOE_ERROR_CODE_MIN FLOE_ERANGE

/**
 * Last error recorded on this thread.
 * @return (transfer none) the message; never NULL ("" when no error was set).
 */
FLOE_API const char *floe_error_last(void);

/** Code of the last error recorded on this thread (FLOE_OK when none). */
FLOE_API int floe_error_last_code(void);

/** Clears the last error of this thread. */
FLOE_API void floe_error_clear(void);

/**
 * Records an error on this thread and returns `code`, so a failure site can write
 * `return floe_error_set(FLOE_EINVALID, "bad thing '%s'", name);`.
 * Never pass a secret in the message.
 */
FLOE_API int floe_error_set(int code, const char *fmt, ...) FLOE_PRINTF(2, 3);

/** As floe_error_set() with a va_list. */
FLOE_API int floe_error_setv(int code, const char *fmt, va_list ap) FLOE_PRINTF(2, 0);

/**
 * Prefixes the current last error with context ("loading table 'a.b': <old message>")
 * and returns `code`. Use when passing an error up with more context.
 */
FLOE_API int floe_error_wrap(int code, const char *fmt, ...) FLOE_PRINTF(2, 3);

/** Stable short name of a code ("FLOE_ENOTFOUND") — never NULL. */
FLOE_API const char *floe_error_name(int code);

/** Human description of a code ("not found") — never NULL, for every code. */
FLOE_API const char *floe_strerror(int code);

FLOE_END_DECLS

#endif
