/* A growable byte buffer. Functions return 0 or FLOE_ENOMEM (with the last error set). */
#ifndef FLOE_BASE_BUF_H
#define FLOE_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <floe/common.h>

typedef struct floe_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} floe_buf;

#define FLOE_BUF_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

int floe_buf_reserve(floe_buf *b, size_t extra);
int floe_buf_append(floe_buf *b, const void *data, size_t n);
int floe_buf_append_byte(floe_buf *b, uint8_t c);
int floe_buf_append_str(floe_buf *b, const char *s);
int floe_buf_printf(floe_buf *b, const char *fmt, ...) FLOE_PRINTF(2, 3);
int floe_buf_vprintf(floe_buf *b, const char *fmt, va_list ap) FLOE_PRINTF(2, 0);
/* Unsigned LEB128 / zigzag varints (Avro, Thrift compact). */
int floe_buf_append_uvarint(floe_buf *b, uint64_t v);
int floe_buf_append_zigzag(floe_buf *b, int64_t v);
/* NUL-terminates without counting the NUL in len; returns data as a C string or NULL. */
const char *floe_buf_cstr(floe_buf *b);
/* Hands the bytes to the caller (free with floe_free) and resets the buffer. */
uint8_t *floe_buf_detach(floe_buf *b, size_t *len);
void floe_buf_clear(floe_buf *b);
void floe_buf_free(floe_buf *b);

#endif
