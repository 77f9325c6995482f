#include "base/alloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static atomic_long fail_after;
static atomic_long seen;

void floe_alloc_fail_after(long n)
{
    atomic_store(&seen, 0);
    atomic_store(&fail_after, n);
}

long floe_alloc_count(void)
{
    return atomic_load(&seen);
}

static int should_fail(void)
{
    long n = atomic_fetch_add(&seen, 1) + 1;
    long f = atomic_load(&fail_after);
    return f > 0 && n == f;
}

void *floe_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *floe_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    if (count == 0 || size == 0)
        return calloc(1, 1);
    return calloc(count, size);
}

void *floe_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void floe_free(void *p)
{
    free(p);
}

char *floe_strdup(const char *s)
{
    if (!s)
        return NULL;
    return floe_strndup(s, strlen(s));
}

char *floe_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    size_t len = strnlen(s, n);
    char *d = floe_malloc(len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

int floe_mul_size(size_t count, size_t size, size_t *out)
{
    if (size != 0 && count > SIZE_MAX / size)
        return -1;
    *out = count * size;
    return 0;
}
