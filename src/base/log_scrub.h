/* Hook between the logger and the secret store: the logger runs every message and field value
 * through the installed scrubber so values of live floe_secrets never reach a line. The hook
 * keeps log.c free of a dependency on secret.c; secret.c installs it on first use. */
#ifndef FLOE_BASE_LOG_SCRUB_H
#define FLOE_BASE_LOG_SCRUB_H

#include <stddef.h>

/* Returns 0 when `s` holds no secret; 1 with *out (floe_free) set to a copy of `s` in which
 * every secret is replaced by the redaction marker; a negative FLOE_E* code on failure. */
typedef int (*floe_log__scrub_fn)(char **out, const char *s);

void floe_log__set_scrubber(floe_log__scrub_fn fn);

/* Runs the installed scrubber (if any) on `s`: same contract as floe_log__scrub_fn. Other
 * sinks of free text (span attributes) use it to hold the same line as the logger. */
int floe_log__scrub(char **out, const char *s);

#endif
