/**
 * @file floe/secret.h
 * Secrets (passwords, tokens, keys) held so that they cannot reach a log line, an error
 * message or a JSON dump by accident: the value sits in its own page-aligned mapping that is
 * locked in RAM where the system allows it and excluded from core dumps, it is read only
 * through floe_secret_reveal() (easy to grep for in review), it is zeroed before it is
 * freed, and the logger replaces any value of a live secret found in a message or field by
 * the redaction marker — even when a caller passes the revealed value by mistake.
 */
#ifndef FLOE_SECRET_H
#define FLOE_SECRET_H

#include <stddef.h>

#include "common.h"

FLOE_BEGIN_DECLS

/** An opaque secret value. */
typedef struct floe_secret floe_secret;

/**
 * Copies a NUL-terminated `value` into a new secret.
 * @param out (transfer full) free with floe_secret_free()
 * @return 0, FLOE_EINVALID (NULL value) or FLOE_ENOMEM
 */
FLOE_API int floe_secret_new(floe_secret **out, const char *value);

/**
 * Copies `len` bytes of `value` (which may hold NULs) into a new secret; the stored copy is
 * NUL-terminated.
 * @param out (transfer full) free with floe_secret_free()
 * @return 0, FLOE_EINVALID or FLOE_ENOMEM
 */
FLOE_API int floe_secret_new_len(floe_secret **out, const void *value, size_t len);

/**
 * Creates a second, independent secret holding the same value.
 * @param out (transfer full) free with floe_secret_free()
 */
FLOE_API int floe_secret_dup(floe_secret **out, const floe_secret *s);

/**
 * The secret's value. Only call it where the value is handed to its consumer (an HTTP
 * header, a connection string); never log or format the result.
 * @return (transfer none) the NUL-terminated value, valid until floe_secret_free(); "" for
 *         NULL
 */
FLOE_API const char *floe_secret_reveal(const floe_secret *s);

/** Length of the value in bytes (0 for NULL). */
FLOE_API size_t floe_secret_len(const floe_secret *s);

/**
 * Compares the secret with `len` bytes of `candidate` in time that does not depend on where
 * they differ.
 * @return 1 when equal, else 0
 */
FLOE_API int floe_secret_equals(const floe_secret *s, const void *candidate, size_t len);

/** Non-zero when the secret's memory is locked in RAM (mlock succeeded). */
FLOE_API int floe_secret_is_locked(const floe_secret *s);

/** Zeroes the value, unlocks and releases its memory, frees the handle; NULL is allowed. */
FLOE_API void floe_secret_free(floe_secret *s);

/** The marker written in place of a secret: "**********". (transfer none) */
FLOE_API const char *floe_secret_redacted(void);

/**
 * What to pass to floe_log() for a field that holds a secret: always the redaction marker,
 * so the secret's presence is logged but never its value.
 * @code
 * floe_log(FLOE_LOG_INFO, "connecting", "credential", floe_secret_for_log(s), NULL);
 * @endcode
 * @return (transfer none) floe_secret_redacted()
 */
FLOE_API const char *floe_secret_for_log(const floe_secret *s);

FLOE_END_DECLS

#endif
