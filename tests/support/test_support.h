/* Helpers shared by floe's cmocka tests. Include after <cmocka.h>'s prerequisites. */
#ifndef FLOE_TEST_SUPPORT_H
#define FLOE_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* A fresh empty directory under $FLOE_TEST_TMP (or /tmp), named after `name`.
 * Returns a static-lifetime string owned by the support library (freed at exit). */
const char *floe_test_tmpdir(const char *name);

/* Runs a shell command; captures stdout (and stderr when merge_stderr) into *out if out is
 * non-NULL (free with free()). Returns the exit status, or -1 if it could not run. */
int floe_test_run(const char *cmd, int merge_stderr, char **out);

/* Path to the floe CLI built with the tests ($FLOE_BIN), or NULL. */
const char *floe_test_floe_bin(void);

/* Runs `$FLOE_BIN <args> --warehouse <warehouse>` with FLOE_LOG_LEVEL=error, args formatted
 * printf-style (quote paths in them); stdout and stderr go to *out (may be NULL; free()).
 * Returns the exit status. The test is skipped when $FLOE_BIN is unset. */
int floe_test_floe(char **out, const char *warehouse, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 1 when node and the interop npm packages are installed (tests/interop/node_modules). */
int floe_test_interop_available(void);

/* Runs `node tests/interop/<script> args...` (args is one shell-quoted string);
 * same contract as floe_test_run. */
int floe_test_node(const char *script, const char *args, char **out);

/* Reads a whole file (free with free()); NULL if it cannot. */
char *floe_test_read_file(const char *path, size_t *len);

/* Writes a whole file; 0 on success. */
int floe_test_write_file(const char *path, const void *data, size_t len);

/* Skips the current test with a message when interop tools are missing, unless
 * FLOE_REQUIRE_INTEROP=1 (CI sets it), in which case the test fails. */
#define FLOE_REQUIRE_INTEROP()                                                                     \
    do {                                                                                           \
        if (!floe_test_interop_available()) {                                                      \
            if (floe_test_interop_required())                                                      \
                fail_msg("interop tools missing: run scripts/setup.sh");                           \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

int floe_test_interop_required(void);

#endif
