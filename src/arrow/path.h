/* The dotted path of a field inside an Arrow schema tree ("a.b[]", "m{}.key"), built while
 * walking the tree so that error messages can say which field is at fault. */
#ifndef FLOE_ARROW_PATH_H
#define FLOE_ARROW_PATH_H

#include <stdio.h>
#include <string.h>

/* Paths longer than this are cut; the message is still useful and never overflows. */
#define FLOE_ARROW_PATH_MAX 512

typedef struct floe_arrow__path {
    char buf[FLOE_ARROW_PATH_MAX];
    size_t len;
} floe_arrow__path;

static inline void floe_arrow__path_init(floe_arrow__path *p)
{
    p->buf[0] = '\0';
    p->len = 0;
}

static inline size_t floe_arrow__path_append(floe_arrow__path *p, const char *sep, const char *s)
{
    size_t old = p->len;
    int n = snprintf(p->buf + p->len, sizeof p->buf - p->len, "%s%s", sep, s ? s : "");
    if (n > 0)
        p->len += (size_t)n < sizeof p->buf - p->len ? (size_t)n : sizeof p->buf - p->len - 1;
    return old;
}

/* Appends a field name, with a dot unless it is the first segment. */
static inline size_t floe_arrow__path_push_name(floe_arrow__path *p, const char *name)
{
    return floe_arrow__path_append(p, p->len ? "." : "", name);
}

/* Appends a marker such as "[]" (list element) or "{}" (map entries). */
static inline size_t floe_arrow__path_push_marker(floe_arrow__path *p, const char *marker)
{
    return floe_arrow__path_append(p, "", marker);
}

static inline void floe_arrow__path_pop(floe_arrow__path *p, size_t old)
{
    p->len = old;
    p->buf[old] = '\0';
}

#endif
