#include "base/uuid.h"

#include <string.h>

#include <floe/error.h>

#include "base/hex.h"
#include "base/random.h"

int floe_uuid_v4(uint8_t out[16])
{
    int rc = floe_random_bytes(out, 16);
    if (rc)
        return floe_error_wrap(rc, "generating a UUID");
    out[6] = (uint8_t)((out[6] & 0x0f) | 0x40); /* version 4 */
    out[8] = (uint8_t)((out[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    return 0;
}

void floe_uuid_format(char buf[FLOE_UUID_STR_LEN], const uint8_t u[16])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            buf[o++] = '-';
        buf[o++] = hex[u[i] >> 4];
        buf[o++] = hex[u[i] & 0x0f];
    }
    buf[o] = '\0';
}

int floe_uuid_parse(uint8_t out[16], const char *s)
{
    if (!s)
        return floe_error_set(FLOE_EINVALID, "UUID text is NULL");
    uint8_t u[16];
    size_t pos = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            if (s[pos] != '-')
                return floe_error_set(FLOE_EINVALID,
                                      "invalid UUID '%.40s' at position %zu: expected '-' (form "
                                      "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
                                      s, pos);
            pos++;
        }
        int hi = floe_hex_digit_value(s[pos]);
        int lo = hi < 0 ? -1 : floe_hex_digit_value(s[pos + 1]);
        if (hi < 0 || lo < 0)
            return floe_error_set(FLOE_EINVALID,
                                  "invalid UUID '%.40s' at position %zu: expected a hex digit", s,
                                  hi < 0 ? pos : pos + 1);
        u[i] = (uint8_t)(hi << 4 | lo);
        pos += 2;
    }
    if (s[pos] != '\0')
        return floe_error_set(FLOE_EINVALID,
                              "invalid UUID '%.40s' at position %zu: expected the end after 36 "
                              "characters",
                              s, pos);
    memcpy(out, u, 16);
    return 0;
}
