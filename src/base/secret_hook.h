/* Test hook into floe_secret_free: lets a test look at a secret's memory just before and just
 * after it is wiped, while the mapping still exists, without touching freed memory. */
#ifndef FLOE_BASE_SECRET_HOOK_H
#define FLOE_BASE_SECRET_HOOK_H

#include <stddef.h>

/* phase 0: before wiping; phase 1: after wiping, before the memory is released.
 * `mem` spans the whole mapping (`len` bytes, a multiple of the page size). */
typedef void (*floe_secret__wipe_hook)(int phase, const unsigned char *mem, size_t len, void *ctx);

/* Installs (or with NULL removes) the hook for every thread. */
void floe_secret__set_wipe_hook(floe_secret__wipe_hook hook, void *ctx);

/* Number of live secrets (for leak checks in tests). */
size_t floe_secret__live_count(void);

#endif
