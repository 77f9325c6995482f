/* RFC 4122 / 9562 UUIDs: random (version 4) generation, canonical text form. */
#ifndef FLOE_BASE_UUID_H
#define FLOE_BASE_UUID_H

#include <stdint.h>

/* Length of the canonical form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" plus its NUL. */
#define FLOE_UUID_STR_LEN 37

/* A random version-4 UUID; 0 or FLOE_EIO when no random source is available. */
int floe_uuid_v4(uint8_t out[16]);

/* Writes the lower-case canonical form (36 characters and a NUL). */
void floe_uuid_format(char buf[FLOE_UUID_STR_LEN], const uint8_t u[16]);

/* Parses the canonical form (either case; exactly 36 characters); 0 or FLOE_EINVALID naming
 * the position of the first bad character. */
int floe_uuid_parse(uint8_t out[16], const char *s);

#endif
