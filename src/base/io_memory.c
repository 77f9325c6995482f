/* An in-memory FileIO: a mutex-protected list of named byte arrays. Used by tests and by code
 * that needs a scratch FileIO; it honours FLOE_CREATE_EXCLUSIVE like a real store. */
#include <floe/io.h>

#include <pthread.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"

struct mem_entry {
    char *location;
    uint8_t *data;
    size_t len;
    unsigned refs; /* open readers keep the bytes alive after remove/overwrite */
    struct mem_entry *next;
};

struct mem_io {
    floe_file_io base;
    pthread_mutex_t lock;
    struct mem_entry *entries;
};

static void entry_unref(struct mem_entry *e)
{
    if (--e->refs == 0) {
        floe_free(e->location);
        floe_free(e->data);
        floe_free(e);
    }
}

static struct mem_entry **find(struct mem_io *m, const char *location)
{
    struct mem_entry **p = &m->entries;
    while (*p && strcmp((*p)->location, location) != 0)
        p = &(*p)->next;
    return p;
}

struct mem_reader {
    floe_input_file base;
    struct mem_io *io;
    struct mem_entry *e;
};

static int mr_read_at(size_t *nread, floe_input_file *f, uint64_t offset, void *buf, size_t len)
{
    struct mem_reader *r = f->state;
    if (offset >= r->e->len) {
        *nread = 0;
        return 0;
    }
    size_t avail = r->e->len - (size_t)offset;
    size_t n = len < avail ? len : avail;
    memcpy(buf, r->e->data + offset, n);
    *nread = n;
    return 0;
}

static int mr_size(uint64_t *out, floe_input_file *f)
{
    struct mem_reader *r = f->state;
    *out = r->e->len;
    return 0;
}

static void mr_close(floe_input_file *f)
{
    struct mem_reader *r = f->state;
    pthread_mutex_lock(&r->io->lock);
    entry_unref(r->e);
    pthread_mutex_unlock(&r->io->lock);
    floe_free(r);
}

static int m_open(floe_input_file **out, floe_file_io *io, const char *location)
{
    struct mem_io *m = io->state;
    struct mem_reader *r = floe_calloc(1, sizeof *r);
    if (!r)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    pthread_mutex_lock(&m->lock);
    struct mem_entry *e = *find(m, location);
    if (e)
        e->refs++;
    pthread_mutex_unlock(&m->lock);
    if (!e) {
        floe_free(r);
        return floe_error_set(FLOE_ENOTFOUND, "'%s' does not exist", location);
    }
    r->io = m;
    r->e = e;
    r->base.version = FLOE_IO_VERSION;
    r->base.location = e->location;
    r->base.read_at = mr_read_at;
    r->base.size = mr_size;
    r->base.close = mr_close;
    r->base.state = r;
    *out = &r->base;
    return 0;
}

struct mem_writer {
    floe_output_file base;
    struct mem_io *io;
    char *location;
    floe_create_mode mode;
    floe_buf buf;
};

static int mw_write(floe_output_file *f, const void *data, size_t len)
{
    struct mem_writer *w = f->state;
    return floe_buf_append(&w->buf, data, len);
}

static void mw_free(struct mem_writer *w)
{
    floe_buf_free(&w->buf);
    floe_free(w->location);
    floe_free(w);
}

static int mw_commit(floe_output_file *f)
{
    struct mem_writer *w = f->state;
    struct mem_io *m = w->io;
    int rc = 0;
    pthread_mutex_lock(&m->lock);
    struct mem_entry **slot = find(m, w->location);
    if (*slot && w->mode == FLOE_CREATE_EXCLUSIVE) {
        rc = floe_error_set(FLOE_EEXISTS, "'%s' already exists", w->location);
    } else {
        struct mem_entry *e = floe_calloc(1, sizeof *e);
        if (!e) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
        } else {
            e->location = w->location;
            w->location = NULL;
            e->data = floe_buf_detach(&w->buf, &e->len);
            e->refs = 1;
            if (*slot) {
                struct mem_entry *old = *slot;
                e->next = old->next;
                *slot = e;
                entry_unref(old);
            } else {
                *slot = e;
            }
        }
    }
    pthread_mutex_unlock(&m->lock);
    mw_free(w);
    return rc;
}

static void mw_abort(floe_output_file *f)
{
    mw_free(f->state);
}

static int m_create(floe_output_file **out, floe_file_io *io, const char *location,
                    floe_create_mode mode)
{
    struct mem_io *m = io->state;
    if (mode == FLOE_CREATE_EXCLUSIVE) {
        pthread_mutex_lock(&m->lock);
        int exists = *find(m, location) != NULL;
        pthread_mutex_unlock(&m->lock);
        if (exists)
            return floe_error_set(FLOE_EEXISTS, "'%s' already exists", location);
    }
    struct mem_writer *w = floe_calloc(1, sizeof *w);
    if (!w || !(w->location = floe_strdup(location))) {
        floe_free(w);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    w->io = m;
    w->mode = mode;
    w->base.version = FLOE_IO_VERSION;
    w->base.location = w->location;
    w->base.write = mw_write;
    w->base.commit = mw_commit;
    w->base.abort = mw_abort;
    w->base.state = w;
    *out = &w->base;
    return 0;
}

static int m_exists(int *out, floe_file_io *io, const char *location)
{
    struct mem_io *m = io->state;
    pthread_mutex_lock(&m->lock);
    *out = *find(m, location) != NULL;
    pthread_mutex_unlock(&m->lock);
    return 0;
}

static int m_remove(floe_file_io *io, const char *location)
{
    struct mem_io *m = io->state;
    pthread_mutex_lock(&m->lock);
    struct mem_entry **slot = find(m, location);
    struct mem_entry *e = *slot;
    if (e) {
        *slot = e->next;
        entry_unref(e);
    }
    pthread_mutex_unlock(&m->lock);
    if (!e)
        return floe_error_set(FLOE_ENOTFOUND, "'%s' does not exist", location);
    return 0;
}

static int m_list(floe_file_io *io, const char *prefix, floe_file_list_cb cb, void *ctx)
{
    struct mem_io *m = io->state;
    size_t plen = strlen(prefix);
    /* Snapshot the matching names and sizes so the callback may call back into the FileIO. */
    floe_buf names = FLOE_BUF_INIT;
    floe_buf sizes = FLOE_BUF_INIT;
    int rc = 0;
    pthread_mutex_lock(&m->lock);
    for (struct mem_entry *e = m->entries; e && rc == 0; e = e->next) {
        if (strncmp(e->location, prefix, plen) != 0)
            continue;
        uint64_t sz = e->len;
        rc = floe_buf_append(&names, e->location, strlen(e->location) + 1);
        if (rc == 0)
            rc = floe_buf_append(&sizes, &sz, sizeof sz);
    }
    pthread_mutex_unlock(&m->lock);
    size_t off = 0;
    for (size_t i = 0; rc == 0 && off < names.len; i++) {
        uint64_t sz;
        memcpy(&sz, sizes.data + i * sizeof sz, sizeof sz);
        floe_file_info info = {(const char *)names.data + off, sz, -1};
        rc = cb(&info, ctx);
        off += strlen((const char *)names.data + off) + 1;
    }
    floe_buf_free(&names);
    floe_buf_free(&sizes);
    return rc;
}

static void m_free(floe_file_io *io)
{
    struct mem_io *m = io->state;
    struct mem_entry *e = m->entries;
    while (e) {
        struct mem_entry *n = e->next;
        entry_unref(e);
        e = n;
    }
    pthread_mutex_destroy(&m->lock);
    floe_free(m);
}

int floe_memory_file_io_new(floe_file_io **out)
{
    struct mem_io *m = floe_calloc(1, sizeof *m);
    if (!m)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    pthread_mutex_init(&m->lock, NULL);
    m->base.version = FLOE_IO_VERSION;
    m->base.open = m_open;
    m->base.create = m_create;
    m->base.exists = m_exists;
    m->base.remove = m_remove;
    m->base.list = m_list;
    m->base.free = m_free;
    m->base.state = m;
    *out = &m->base;
    return 0;
}
