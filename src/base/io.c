/* Generic helpers over the FileIO vtables, and the read-only memory input file. */
#include <floe/io.h>

#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"

int floe_input_read_exact(floe_input_file *f, uint64_t offset, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        size_t n = 0;
        int rc = f->read_at(&n, f, offset + got, (uint8_t *)buf + got, len - got);
        if (rc)
            return rc;
        if (n == 0)
            return floe_error_set(
                FLOE_ECORRUPT, "%s: unexpected end of file reading %zu bytes at offset %llu",
                f->location ? f->location : "input", len, (unsigned long long)offset);
        got += n;
    }
    return 0;
}

int floe_input_size(uint64_t *out, floe_input_file *f)
{
    return f->size(out, f);
}

void floe_input_close(floe_input_file *f)
{
    if (f)
        f->close(f);
}

int floe_output_write(floe_output_file *f, const void *data, size_t len)
{
    if (len == 0)
        return 0;
    int rc = f->write(f, data, len);
    if (rc == 0)
        f->bytes_written += len;
    return rc;
}

int floe_output_commit(floe_output_file *f)
{
    return f->commit(f);
}

void floe_output_abort(floe_output_file *f)
{
    if (f)
        f->abort(f);
}

void floe_file_io_free(floe_file_io *io)
{
    if (io)
        io->free(io);
}

int floe_file_io_read_all(uint8_t **data, size_t *len, floe_file_io *io, const char *location,
                          size_t max_bytes)
{
    floe_input_file *f = NULL;
    int rc = io->open(&f, io, location);
    if (rc)
        return rc;
    uint64_t size = 0;
    rc = floe_input_size(&size, f);
    if (rc)
        goto done;
    if (size > max_bytes) {
        rc = floe_error_set(FLOE_ERANGE, "%s is %llu bytes, over the limit of %zu", location,
                            (unsigned long long)size, max_bytes);
        goto done;
    }
    uint8_t *d = floe_malloc((size_t)size + 1);
    if (!d) {
        rc = floe_error_set(FLOE_ENOMEM, "out of memory reading %s", location);
        goto done;
    }
    rc = floe_input_read_exact(f, 0, d, (size_t)size);
    if (rc) {
        floe_free(d);
        goto done;
    }
    d[size] = '\0';
    *data = d;
    *len = (size_t)size;
done:
    floe_input_close(f);
    return rc;
}

int floe_file_io_write_all(floe_file_io *io, const char *location, floe_create_mode mode,
                           const void *data, size_t len)
{
    floe_output_file *f = NULL;
    int rc = io->create(&f, io, location, mode);
    if (rc)
        return rc;
    rc = floe_output_write(f, data, len);
    if (rc) {
        floe_output_abort(f);
        return rc;
    }
    return floe_output_commit(f);
}

/* ---- memory input file ---- */

struct mem_input {
    floe_input_file base;
    const uint8_t *data;
    size_t len;
    char *name;
};

static int mem_read_at(size_t *nread, floe_input_file *f, uint64_t offset, void *buf, size_t len)
{
    struct mem_input *m = (struct mem_input *)f;
    if (offset >= m->len) {
        *nread = 0;
        return 0;
    }
    size_t avail = m->len - (size_t)offset;
    size_t n = len < avail ? len : avail;
    memcpy(buf, m->data + offset, n);
    *nread = n;
    return 0;
}

static int mem_size(uint64_t *out, floe_input_file *f)
{
    *out = ((struct mem_input *)f)->len;
    return 0;
}

static void mem_close(floe_input_file *f)
{
    struct mem_input *m = (struct mem_input *)f;
    floe_free(m->name);
    floe_free(m);
}

int floe_input_file_from_memory(floe_input_file **out, const void *data, size_t len,
                                const char *name)
{
    struct mem_input *m = floe_calloc(1, sizeof *m);
    if (!m)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    m->name = floe_strdup(name ? name : "memory");
    if (!m->name) {
        floe_free(m);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    m->base.version = FLOE_IO_VERSION;
    m->base.location = m->name;
    m->base.read_at = mem_read_at;
    m->base.size = mem_size;
    m->base.close = mem_close;
    m->base.state = m;
    m->data = data;
    m->len = len;
    *out = &m->base;
    return 0;
}
