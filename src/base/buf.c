#include "base/buf.h"

#include <stdio.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"

int floe_buf_reserve(floe_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return floe_error_set(FLOE_ENOMEM, "buffer size overflow");
    size_t need = b->len + extra + 1; /* room for a NUL terminator */
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    uint8_t *d = floe_realloc(b->data, cap);
    if (!d)
        return floe_error_set(FLOE_ENOMEM, "out of memory growing a buffer to %zu bytes", cap);
    b->data = d;
    b->cap = cap;
    return 0;
}

int floe_buf_append(floe_buf *b, const void *data, size_t n)
{
    if (n == 0)
        return 0;
    int rc = floe_buf_reserve(b, n);
    if (rc)
        return rc;
    memcpy(b->data + b->len, data, n);
    b->len += n;
    return 0;
}

int floe_buf_append_byte(floe_buf *b, uint8_t c)
{
    return floe_buf_append(b, &c, 1);
}

int floe_buf_append_str(floe_buf *b, const char *s)
{
    return floe_buf_append(b, s, strlen(s));
}

int floe_buf_vprintf(floe_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return floe_error_set(FLOE_EINVALID, "bad format string");
    int rc = floe_buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int floe_buf_printf(floe_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = floe_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int floe_buf_append_uvarint(floe_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        if (v)
            byte |= 0x80;
        tmp[n++] = byte;
    } while (v);
    return floe_buf_append(b, tmp, n);
}

int floe_buf_append_zigzag(floe_buf *b, int64_t v)
{
    return floe_buf_append_uvarint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

const char *floe_buf_cstr(floe_buf *b)
{
    if (floe_buf_reserve(b, 0))
        return NULL;
    b->data[b->len] = '\0';
    return (const char *)b->data;
}

uint8_t *floe_buf_detach(floe_buf *b, size_t *len)
{
    uint8_t *d = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void floe_buf_clear(floe_buf *b)
{
    b->len = 0;
}

void floe_buf_free(floe_buf *b)
{
    floe_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
