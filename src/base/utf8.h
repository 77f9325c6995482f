/* UTF-8 validation shared by the JSON writers (log lines, Avro values) and Arrow import. */
#ifndef FLOE_BASE_UTF8_H
#define FLOE_BASE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (1-4) of the valid UTF-8 sequence at p, of which `avail` (> 0) bytes may be read,
 * or 0 when it is not valid UTF-8: overlong forms, surrogates, code points above U+10FFFF and
 * sequences cut short by `avail` are invalid. */
size_t floe_utf8_seq_len(const uint8_t *p, size_t avail);

/* 1 when [p, p + n) is entirely valid UTF-8. */
int floe_utf8_valid(const uint8_t *p, size_t n);

#endif
