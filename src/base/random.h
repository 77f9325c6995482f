/* Cryptographically strong random bytes from the kernel (getrandom, /dev/urandom fallback),
 * for UUIDs, trace/span ids and retry jitter seeds. */
#ifndef FLOE_BASE_RANDOM_H
#define FLOE_BASE_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* Fills buf with n random bytes; 0 or FLOE_EIO (last error set). */
int floe_random_bytes(void *buf, size_t n);

/* A random 64-bit value; falls back to a clock-derived mix if the kernel source fails
 * (callers use it for jitter and ids, never for keys). */
uint64_t floe_random_u64(void);

/* Test hook: 0 = normal; 1 = behave as if getrandom were missing (read /dev/urandom);
 * 2 = behave as if no kernel source worked (floe_random_bytes fails). */
void floe_random__simulate(int mode);

#endif
