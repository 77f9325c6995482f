/* MurmurHash3, x86 32-bit variant: the hash Iceberg's bucket transform uses (Appendix B). */
#ifndef FLOE_BASE_MURMUR3_H
#define FLOE_BASE_MURMUR3_H

#include <stddef.h>
#include <stdint.h>

/* Hash of `len` bytes at `data` with `seed` (Iceberg uses seed 0). */
uint32_t floe_murmur3_x86_32(const void *data, size_t len, uint32_t seed);

#endif
