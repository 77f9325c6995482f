/* FileIO over the local file system. Output goes to a hidden temporary sibling, is fsynced,
 * then renamed into place (overwrite) or hard-linked (exclusive: link fails if the target
 * exists, which makes create-if-absent atomic), and the directory is fsynced. */
#define _GNU_SOURCE
#include <floe/io.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "base/buf.h"

static const char *strip_scheme(const char *location)
{
    if (strncmp(location, "file://", 7) == 0)
        return location + 7;
    return location;
}

static int errno_code(int e)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR:
        return FLOE_ENOTFOUND;
    case EEXIST:
        return FLOE_EEXISTS;
    case EACCES:
    case EPERM:
    case EROFS:
        return FLOE_EPERM;
    case ENOMEM:
        return FLOE_ENOMEM;
    default:
        return FLOE_EIO;
    }
}

static int io_error(const char *what, const char *path)
{
    int e = errno;
    return floe_error_set(errno_code(e), "%s '%s': %s", what, path, strerror(e));
}

/* ---- input ---- */

struct posix_input {
    floe_input_file base;
    int fd;
    char *path;
};

static int pin_read_at(size_t *nread, floe_input_file *f, uint64_t offset, void *buf, size_t len)
{
    struct posix_input *p = f->state;
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(p->fd, (uint8_t *)buf + got, len - got, (off_t)(offset + got));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return io_error("reading", p->path);
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    *nread = got;
    return 0;
}

static int pin_size(uint64_t *out, floe_input_file *f)
{
    struct posix_input *p = f->state;
    struct stat st;
    if (fstat(p->fd, &st) != 0)
        return io_error("stat", p->path);
    *out = (uint64_t)st.st_size;
    return 0;
}

static void pin_close(floe_input_file *f)
{
    struct posix_input *p = f->state;
    close(p->fd);
    floe_free(p->path);
    floe_free(p);
}

static int px_open(floe_input_file **out, floe_file_io *io, const char *location)
{
    (void)io;
    const char *path = strip_scheme(location);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return io_error("cannot open", path);
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return floe_error_set(FLOE_EINVALID, "'%s' is a directory, not a file", path);
    }
    struct posix_input *p = floe_calloc(1, sizeof *p);
    char *dup = floe_strdup(location);
    if (!p || !dup) {
        close(fd);
        floe_free(p);
        floe_free(dup);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    p->fd = fd;
    p->path = dup;
    p->base.version = FLOE_IO_VERSION;
    p->base.location = dup;
    p->base.read_at = pin_read_at;
    p->base.size = pin_size;
    p->base.close = pin_close;
    p->base.state = p;
    *out = &p->base;
    return 0;
}

/* ---- output ---- */

struct posix_output {
    floe_output_file base;
    int fd;
    floe_create_mode mode;
    char *location;
    char *path;
    char *tmp;
};

static void pout_free(struct posix_output *p)
{
    floe_free(p->location);
    floe_free(p->path);
    floe_free(p->tmp);
    floe_free(p);
}

static int pout_write(floe_output_file *f, const void *data, size_t len)
{
    struct posix_output *p = f->state;
    const uint8_t *d = data;
    while (len) {
        ssize_t n = write(p->fd, d, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return io_error("writing", p->tmp);
        }
        d += n;
        len -= (size_t)n;
    }
    return 0;
}

static void fsync_parent(const char *path)
{
    char *dir = floe_strdup(path);
    if (!dir)
        return;
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else {
        dir[0] = '.';
        dir[1] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    floe_free(dir);
}

static int pout_commit(floe_output_file *f)
{
    struct posix_output *p = f->state;
    int rc = 0;
    if (fsync(p->fd) != 0) {
        rc = io_error("fsync", p->tmp);
        close(p->fd);
        unlink(p->tmp);
        pout_free(p);
        return rc;
    }
    close(p->fd);
    if (p->mode == FLOE_CREATE_EXCLUSIVE) {
        if (link(p->tmp, p->path) != 0) {
            int e = errno;
            if (e == EEXIST)
                rc = floe_error_set(FLOE_EEXISTS, "'%s' already exists", p->path);
            else
                rc = floe_error_set(errno_code(e), "cannot create '%s': %s", p->path, strerror(e));
        }
        unlink(p->tmp);
    } else if (rename(p->tmp, p->path) != 0) {
        rc = io_error("cannot move into place", p->path);
        unlink(p->tmp);
    }
    if (rc == 0)
        fsync_parent(p->path);
    pout_free(p);
    return rc;
}

static void pout_abort(floe_output_file *f)
{
    struct posix_output *p = f->state;
    close(p->fd);
    unlink(p->tmp);
    pout_free(p);
}

static int mkdirs_for(const char *path)
{
    char *dir = floe_strdup(path);
    if (!dir)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    for (char *s = dir + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
            int rc = io_error("cannot create directory", dir);
            floe_free(dir);
            return rc;
        }
        *s = '/';
    }
    floe_free(dir);
    return 0;
}

static int px_create(floe_output_file **out, floe_file_io *io, const char *location,
                     floe_create_mode mode)
{
    (void)io;
    const char *path = strip_scheme(location);
    if (mode == FLOE_CREATE_EXCLUSIVE && access(path, F_OK) == 0)
        return floe_error_set(FLOE_EEXISTS, "'%s' already exists", path);
    /* Commit renames a temporary file over the target: never do that to a device, a FIFO or
     * a directory (writing to /dev/null must not replace /dev/null). */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return floe_error_set(FLOE_EINVALID,
                              "'%s' is not a regular file: floe writes whole files and replaces "
                              "them atomically; choose a file path",
                              path);
    int rc = mkdirs_for(path);
    if (rc)
        return rc;
    struct posix_output *p = floe_calloc(1, sizeof *p);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    p->location = floe_strdup(location);
    p->path = floe_strdup(path);
    floe_buf tmp = FLOE_BUF_INIT;
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    if (!p->location || !p->path || floe_buf_append(&tmp, path, dirlen) ||
        floe_buf_printf(&tmp, ".%s.%ld.%p.tmp", path + dirlen, (long)getpid(), (void *)p) ||
        !floe_buf_cstr(&tmp)) {
        floe_buf_free(&tmp);
        pout_free(p);
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    }
    p->tmp = (char *)floe_buf_detach(&tmp, NULL);
    p->fd = open(p->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (p->fd < 0) {
        rc = io_error("cannot create", p->tmp);
        pout_free(p);
        return rc;
    }
    p->mode = mode;
    p->base.version = FLOE_IO_VERSION;
    p->base.location = p->location;
    p->base.write = pout_write;
    p->base.commit = pout_commit;
    p->base.abort = pout_abort;
    p->base.state = p;
    *out = &p->base;
    return 0;
}

static int px_exists(int *out, floe_file_io *io, const char *location)
{
    (void)io;
    const char *path = strip_scheme(location);
    if (access(path, F_OK) == 0) {
        *out = 1;
        return 0;
    }
    if (errno == ENOENT || errno == ENOTDIR) {
        *out = 0;
        return 0;
    }
    return io_error("cannot check", path);
}

static int px_remove(floe_file_io *io, const char *location)
{
    (void)io;
    const char *path = strip_scheme(location);
    if (unlink(path) != 0)
        return io_error("cannot delete", path);
    return 0;
}

/* Names px_create gives to files being written (".<name>.<pid>.<ptr>.tmp"): listings skip
 * them, since a file is visible only once committed. */
static int is_temp_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] == '.' && n > 5 && strcmp(name + n - 4, ".tmp") == 0;
}

typedef struct list_walk {
    floe_file_list_cb cb;
    void *ctx;
    const char *scheme; /* "file://" when the prefix had it, so locations round-trip */
    size_t hide;        /* leading bytes of the path that are not part of the location */
    floe_buf location;
} list_walk;

static int report(list_walk *w, floe_buf *path, const struct stat *st)
{
    const char *p = (const char *)path->data + w->hide;
    if (*w->scheme) {
        w->location.len = 0;
        if (floe_buf_append_str(&w->location, w->scheme) || floe_buf_append_str(&w->location, p) ||
            !floe_buf_cstr(&w->location))
            return FLOE_ENOMEM;
        p = (const char *)w->location.data;
    }
    floe_file_info info = {p, (uint64_t)st->st_size,
                           (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000};
    return w->cb(&info, w->ctx);
}

/* Lists `path` (a directory), keeping entries whose name starts with `prefix_rest`, a
 * remainder of the caller's prefix that may go on into subdirectories ("sub/na"). */
static int list_dir(list_walk *w, floe_buf *path, const char *prefix_rest, int depth)
{
    if (depth > 64)
        return floe_error_set(FLOE_EIO, "directory nesting too deep under '%s'",
                              floe_buf_cstr(path));
    DIR *d = opendir(floe_buf_cstr(path));
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        return io_error("cannot list", (const char *)path->data);
    }
    size_t base_len = path->len;
    const char *slash = strchr(prefix_rest, '/');
    /* the part of the prefix that applies to names in this directory */
    size_t plen = slash ? (size_t)(slash - prefix_rest) : strlen(prefix_rest);
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || is_temp_name(name))
            continue;
        size_t nlen = strlen(name);
        /* With more prefix below ("sub/na"), only the directory named exactly "sub" can
         * hold matches; otherwise any name starting with the prefix matches. */
        if (slash ? (nlen != plen || strncmp(name, prefix_rest, plen) != 0)
                  : (nlen < plen || strncmp(name, prefix_rest, plen) != 0))
            continue;
        path->len = base_len;
        if ((base_len && path->data[base_len - 1] != '/' && floe_buf_append_byte(path, '/')) ||
            floe_buf_append_str(path, name) || !floe_buf_cstr(path)) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory listing '%s'", prefix_rest);
            break;
        }
        struct stat st;
        if (lstat((const char *)path->data, &st) != 0)
            continue; /* removed while listing */
        if (S_ISDIR(st.st_mode))
            rc = list_dir(w, path, slash ? slash + 1 : "", depth + 1);
        else if (S_ISREG(st.st_mode) && !slash)
            rc = report(w, path, &st);
    }
    closedir(d);
    path->len = base_len;
    return rc;
}

static int px_list(floe_file_io *io, const char *prefix, floe_file_list_cb cb, void *ctx)
{
    (void)io;
    const char *path = strip_scheme(prefix);
    list_walk w = {cb, ctx, path != prefix ? "file://" : "", 0, FLOE_BUF_INIT};
    /* Split the prefix into an existing directory and a name prefix inside it. */
    const char *slash = strrchr(path, '/');
    floe_buf dir = FLOE_BUF_INIT;
    const char *rest = path;
    int rc;
    if (slash) {
        rc = floe_buf_append(&dir, path, slash == path ? 1 : (size_t)(slash - path));
        rest = slash + 1;
    } else {
        /* a relative prefix without a directory lists "." but reports bare names */
        rc = floe_buf_append_str(&dir, "./");
        w.hide = 2;
    }
    if (rc == 0)
        rc = list_dir(&w, &dir, rest, 0);
    floe_buf_free(&dir);
    floe_buf_free(&w.location);
    return rc;
}

static void px_free(floe_file_io *io)
{
    floe_free(io);
}

int floe_posix_file_io_new(floe_file_io **out)
{
    floe_file_io *io = floe_calloc(1, sizeof *io);
    if (!io)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    io->version = FLOE_IO_VERSION;
    io->open = px_open;
    io->create = px_create;
    io->exists = px_exists;
    io->remove = px_remove;
    io->list = px_list;
    io->free = px_free;
    io->state = io;
    *out = io;
    return 0;
}
