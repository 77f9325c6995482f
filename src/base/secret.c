#include <floe/secret.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/log_scrub.h"
#include "base/secret_hook.h"

#define REDACTED "**********"
/* Values shorter than this are not searched for inside other strings: a 2-byte secret would
 * redact half of every line. They are still redacted when passed by pointer. */
#define SCRUB_MIN_LEN 4

struct floe_secret {
    unsigned char *mem; /* page-aligned mapping holding value + NUL */
    size_t map_len;
    size_t len;
    int locked;
    struct floe_secret *prev, *next; /* registry of live secrets, for the log scrubber */
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static floe_secret *registry;
static size_t live;
static floe_secret__wipe_hook wipe_hook;
static void *wipe_hook_ctx;

void floe_secret__set_wipe_hook(floe_secret__wipe_hook hook, void *ctx)
{
    pthread_mutex_lock(&registry_lock);
    wipe_hook = hook;
    wipe_hook_ctx = ctx;
    pthread_mutex_unlock(&registry_lock);
}

size_t floe_secret__live_count(void)
{
    pthread_mutex_lock(&registry_lock);
    size_t n = live;
    pthread_mutex_unlock(&registry_lock);
    return n;
}

const char *floe_secret_redacted(void)
{
    return REDACTED;
}

const char *floe_secret_for_log(const floe_secret *s)
{
    (void)s;
    return REDACTED;
}

/* Replaces, in a copy of `s`, every occurrence of a live secret's value by the marker. A
 * pointer into a secret's own memory (the caller logged floe_secret_reveal()) is redacted
 * whole, whatever its length. */
static int scrub(char **out, const char *s)
{
    int rc = 0;
    pthread_mutex_lock(&registry_lock);
    for (floe_secret *p = registry; p; p = p->next) {
        uintptr_t a = (uintptr_t)s, lo = (uintptr_t)p->mem;
        if (a >= lo && a < lo + p->map_len) {
            *out = floe_strdup(REDACTED);
            rc = *out ? 1 : FLOE_ENOMEM;
            goto done;
        }
    }
    floe_buf b = FLOE_BUF_INIT;
    size_t i = 0, n = strlen(s), copied = 0;
    int found = 0;
    while (i < n) {
        size_t match = 0;
        for (floe_secret *p = registry; p; p = p->next) {
            if (p->len >= SCRUB_MIN_LEN && p->len > match && p->len <= n - i &&
                memcmp(s + i, p->mem, p->len) == 0)
                match = p->len;
        }
        if (match == 0) {
            i++;
            continue;
        }
        found = 1;
        if (floe_buf_append(&b, s + copied, i - copied) || floe_buf_append_str(&b, REDACTED)) {
            rc = FLOE_ENOMEM;
            break;
        }
        i += match;
        copied = i;
    }
    if (rc == 0 && found) {
        if (floe_buf_append(&b, s + copied, n - copied) || !floe_buf_cstr(&b)) {
            rc = FLOE_ENOMEM;
        } else {
            *out = (char *)floe_buf_detach(&b, NULL);
            rc = *out ? 1 : FLOE_ENOMEM;
        }
    }
    if (rc != 1) {
        /* the partial copy may hold a prefix of a secret: wipe it too */
        if (b.data)
            explicit_bzero(b.data, b.cap);
        floe_buf_free(&b);
    }
done:
    pthread_mutex_unlock(&registry_lock);
    return rc;
}

int floe_secret_new_len(floe_secret **out, const void *value, size_t len)
{
    if (!out || !value)
        return floe_error_set(FLOE_EINVALID, "floe_secret_new: value is NULL");
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        page = 4096;
    if (len > SIZE_MAX - (size_t)page)
        return floe_error_set(FLOE_ENOMEM, "secret of %zu bytes is too large", len);
    size_t map_len = (len + 1 + (size_t)page - 1) / (size_t)page * (size_t)page;
    floe_secret *s = floe_calloc(1, sizeof *s);
    if (!s)
        return floe_error_set(FLOE_ENOMEM, "out of memory creating a secret");
    /* A mapping of its own keeps the value off the malloc heap (no stray copies on realloc)
     * and lets the pages be locked and excluded from core dumps. */
    void *mem = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        floe_free(s);
        return floe_error_set(FLOE_ENOMEM, "cannot map %zu bytes for a secret: %s", map_len,
                              strerror(errno));
    }
#ifdef MADV_DONTDUMP
    (void)madvise(mem, map_len, MADV_DONTDUMP);
#endif
    /* mlock fails under a low RLIMIT_MEMLOCK; the secret is still usable, only swappable. */
    s->locked = mlock(mem, map_len) == 0;
    s->mem = mem;
    s->map_len = map_len;
    s->len = len;
    memcpy(s->mem, value, len);
    s->mem[len] = '\0';

    pthread_mutex_lock(&registry_lock);
    s->next = registry;
    if (registry)
        registry->prev = s;
    registry = s;
    live++;
    pthread_mutex_unlock(&registry_lock);
    floe_log__set_scrubber(scrub);
    *out = s;
    return 0;
}

int floe_secret_new(floe_secret **out, const char *value)
{
    if (!value)
        return floe_error_set(FLOE_EINVALID, "floe_secret_new: value is NULL");
    return floe_secret_new_len(out, value, strlen(value));
}

int floe_secret_dup(floe_secret **out, const floe_secret *s)
{
    if (!s)
        return floe_error_set(FLOE_EINVALID, "floe_secret_dup: secret is NULL");
    return floe_secret_new_len(out, s->mem, s->len);
}

const char *floe_secret_reveal(const floe_secret *s)
{
    return s ? (const char *)s->mem : "";
}

size_t floe_secret_len(const floe_secret *s)
{
    return s ? s->len : 0;
}

int floe_secret_is_locked(const floe_secret *s)
{
    return s ? s->locked : 0;
}

int floe_secret_equals(const floe_secret *s, const void *candidate, size_t len)
{
    if (!s || !candidate)
        return 0;
    const unsigned char *c = candidate;
    /* Walk the full candidate whatever the lengths, so timing reveals neither the length
     * nor the position of the first difference. */
    unsigned diff = (unsigned)(s->len != len);
    for (size_t i = 0; i < len; i++)
        diff |= (unsigned)(c[i] ^ (i < s->len ? s->mem[i] : 0));
    return diff == 0;
}

void floe_secret_free(floe_secret *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&registry_lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        registry = s->next;
    if (s->next)
        s->next->prev = s->prev;
    live--;
    floe_secret__wipe_hook hook = wipe_hook;
    void *hctx = wipe_hook_ctx;
    pthread_mutex_unlock(&registry_lock);

    if (hook)
        hook(0, s->mem, s->map_len, hctx);
    explicit_bzero(s->mem, s->map_len);
    if (hook)
        hook(1, s->mem, s->map_len, hctx);
    if (s->locked)
        munlock(s->mem, s->map_len);
    munmap(s->mem, s->map_len);
    explicit_bzero(s, sizeof *s);
    floe_free(s);
}
