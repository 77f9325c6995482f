/* Allocation wrappers: every allocation in floe goes through these so tests can inject
 * failures (CONVENTIONS §18) and so plugins never mix allocators with the core. */
#ifndef FLOE_BASE_ALLOC_H
#define FLOE_BASE_ALLOC_H

#include <stddef.h>

void *floe_malloc(size_t n);
void *floe_calloc(size_t count, size_t size);
void *floe_realloc(void *p, size_t n);
void floe_free(void *p);
/* strdup/strndup through floe_malloc; NULL in -> NULL out. */
char *floe_strdup(const char *s);
char *floe_strndup(const char *s, size_t n);
/* Overflow-checked count * size; returns 0 and sets *out on success, -1 on overflow. */
int floe_mul_size(size_t count, size_t size, size_t *out);

/* Test hook: make the Nth allocation from now fail (1 = the next one); 0 disables.
 * Returns the number of allocations seen since the hook was last set. */
void floe_alloc_fail_after(long n);
long floe_alloc_count(void);

#endif
